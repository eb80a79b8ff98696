// The gRPC face of ChangeFeedService: one callback write reactor per
// WatchChanges stream over the core ChangeFeed. A stream reads the change
// log on the blocking executor at its consumer's pace (one response in
// flight at a time), parks with the feed when it has caught up, and is
// woken by the feed thread after the next commit.
#ifndef CATALOG_SERVER_SERVICE_CHANGE_FEED_SERVICE_H_
#define CATALOG_SERVER_SERVICE_CHANGE_FEED_SERVICE_H_

#include "catalog/v1/change_feed_service.grpc.pb.h"
#include "server/core/change_feed.h"
#include "server/service/caller_context.h"

namespace catalog::server {

class ChangeFeedServiceImpl final : public catalog::v1::ChangeFeedService::CallbackService {
 public:
  // `feed` and what `deps` points to must outlive the service.
  ChangeFeedServiceImpl(ChangeFeed* feed, ServiceDeps deps) : feed_(feed), deps_(deps) {}

  grpc::ServerWriteReactor<catalog::v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* context,
      const catalog::v1::WatchChangesRequest* request) override;

 private:
  ChangeFeed* feed_;
  ServiceDeps deps_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_CHANGE_FEED_SERVICE_H_
