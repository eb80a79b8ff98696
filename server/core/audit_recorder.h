// The one place audit entries are built and committed. Every call ends with
// exactly one entry: committed in the same write as the call's change (the
// core asks for Write(caller) and hands the context to the store), or, when
// nothing was committed with it (reads, refusals, failures, writes that
// changed nothing), appended when the call finishes (Finish). The store is
// told which datasets a read counts for; it interprets nothing.
// Thread-safe.
#ifndef CATALOG_SERVER_CORE_AUDIT_RECORDER_H_
#define CATALOG_SERVER_CORE_AUDIT_RECORDER_H_

#include "absl/status/status.h"
#include "server/core/caller.h"
#include "storage/catalog_store.h"

namespace catalog::server {

class AuditRecorder {
 public:
  // `store` must outlive this object.
  explicit AuditRecorder(storage::CatalogStore* store) : store_(store) {}

  // The write context of a mutation by `caller`: the call's audit entry
  // (outcome OK) goes into the same atomic write as the change, and the
  // call's audit is marked committed once it is.
  static storage::WriteContext Write(const Caller& caller);

  // Ends the call with `outcome`: appends its audit entry unless it was
  // committed with the call's change. Reads and refusals are queued, not
  // synced one by one: the trail keeps their order and they become durable
  // with the next synced write. The datasets the call read are counted when
  // it succeeded.
  void Finish(const Caller& caller, const absl::Status& outcome) const;

  // The audit entry of `caller`'s call with outcome `code`.
  static storage::AuditEntry EntryFor(const Caller& caller, int code);

 private:
  storage::CatalogStore* store_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_AUDIT_RECORDER_H_
