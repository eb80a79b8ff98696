#include "server/core/audit_recorder.h"

#include <algorithm>
#include <iterator>

#include "api/resource_names.h"

namespace catalog::server {

void CallAudit::Read(const std::string& dataset_id) {
  Concern(api::DatasetName(dataset_id));
  if (std::find(reads_.begin(), reads_.end(), dataset_id) == reads_.end()) {
    reads_.push_back(dataset_id);
  }
}

void CallAudit::Forget(const std::string& resource) {
  auto found = std::find(resources_.rbegin(), resources_.rend(), resource);
  if (found != resources_.rend()) resources_.erase(std::next(found).base());
}

storage::AuditEntry AuditRecorder::EntryFor(const Caller& caller, int code) {
  storage::AuditEntry entry;
  entry.set_time_micros(absl::ToUnixMicros(caller.time));
  entry.set_principal(caller.principal);
  entry.set_peer(caller.peer);
  entry.set_method(caller.method);
  for (const std::string& resource : caller.audit->resources()) entry.add_resources(resource);
  entry.set_purpose(caller.purpose);
  entry.set_code(code);
  entry.set_request_id(caller.request_id);
  return entry;
}

storage::WriteContext AuditRecorder::Write(const Caller& caller) {
  storage::WriteContext context;
  context.principal = caller.principal;
  context.request_id = caller.request_id;
  context.time = caller.time;
  context.audit = EntryFor(caller, 0);
  context.audit_committed = [audit = caller.audit] { audit->committed_ = true; };
  return context;
}

void AuditRecorder::Finish(const Caller& caller, const absl::Status& outcome) const {
  if (caller.audit->committed_) return;
  std::vector<std::string> reads;
  if (outcome.ok()) reads = caller.audit->reads();
  store_->AppendAudit(EntryFor(caller, static_cast<int>(outcome.code())), /*wait=*/false,
                      std::move(reads))
      .IgnoreError();
}

}  // namespace catalog::server
