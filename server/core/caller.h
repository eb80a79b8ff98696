// Who is calling, as established by the transport (verified client
// certificate) and the request metadata, with what the policy grants them.
// Passed by value through the core; the core never looks at gRPC types.
#ifndef CATALOG_SERVER_CORE_CALLER_H_
#define CATALOG_SERVER_CORE_CALLER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/security/policy.h"

namespace catalog::server {

class AuditRecorder;

// What the audit entry of a call will say, filled in by the core as the call
// proceeds; the AuditRecorder (audit_recorder.h) builds the entry from it
// and commits it, with the call's change or at the call's end. Used by one
// call at a time.
class CallAudit {
 public:
  // Names a resource the call concerns ("datasets/brp-ingezetenen").
  void Concern(std::string resource) { resources_.push_back(std::move(resource)); }
  // Takes back a resource named by Concern (a write retried under another
  // name).
  void Forget(const std::string& resource);
  // A dataset (id) whose content the call reads: concerned, and counted as a
  // read of it (the basisregistratie use of the landscape) when the call
  // succeeds.
  void Read(const std::string& dataset_id);

  const std::vector<std::string>& resources() const { return resources_; }
  const std::vector<std::string>& reads() const { return reads_; }

 private:
  friend class AuditRecorder;
  std::vector<std::string> resources_;
  std::vector<std::string> reads_;
  // Set (by the store, through the recorder) once the entry was committed
  // with the call's change.
  bool committed_ = false;
};

// A stated purpose that names a processing activity of the register
// ("processing-activities/{id}"): what doelbinding checks against.
struct PurposeActivity {
  std::string name;
  bool registered = false;  // The register holds it.
  bool active = false;      // Its current version is not ended.
  std::vector<std::string> datasets;  // "datasets/{id}" it uses.
};

struct Caller {
  // Principal from the verified client certificate (subject CN), or
  // "anonymous" on a development plaintext listener.
  std::string principal;
  // Peer address, e.g. "ipv4:127.0.0.1:51234".
  std::string peer;
  // Full RPC method name.
  std::string method;
  // Request id: the caller's x-request-id when well-formed, else generated.
  std::string request_id;
  // Stated purpose (x-purpose), may be empty.
  std::string purpose;
  // Set when `purpose` names a processing activity.
  std::shared_ptr<const PurposeActivity> purpose_activity;
  // When the call arrived.
  absl::Time time = absl::Now();
  // Roles, clearance and domains from the access policy.
  Grant grant;
  // Shared so that the core can fill it in through a const Caller; a fresh
  // one per call (or per batch of a stream).
  std::shared_ptr<CallAudit> audit = std::make_shared<CallAudit>();
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_CALLER_H_
