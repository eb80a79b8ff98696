// The one place where absl::Status becomes grpc::Status. absl codes mirror
// the canonical gRPC codes, so the conversion is a cast.
#ifndef CATALOG_SERVER_SERVICE_GRPC_STATUS_H_
#define CATALOG_SERVER_SERVICE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace catalog::server {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_GRPC_STATUS_H_
