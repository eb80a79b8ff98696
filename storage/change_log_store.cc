// CatalogStore: reading the change log, its retention, and waiting for new
// revisions (the change feed, the search indexer).
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "absl/strings/str_cat.h"
#include "storage/catalog_store.h"
#include "storage/column_families.h"
#include "storage/key_codec.h"
#include "storage/rocks_status.h"
#include "storage/store_impl.h"

namespace catalog::storage {

absl::StatusOr<uint64_t> CatalogStore::Impl::ReadChangeLogOldest(
    const rocksdb::ReadOptions& read) const {
  std::string value;
  rocksdb::Status s = db->Get(read, cf(Cf::kMeta), kMetaChangeLogOldest, &value);
  if (s.IsNotFound()) return uint64_t{1};
  if (!s.ok()) return FromRocksStatus(s, "reading the oldest change-log revision");
  std::string_view in = value;
  uint64_t oldest = 0;
  if (!ConsumeUint64(&in, &oldest) || !in.empty() || oldest == 0) {
    return absl::DataLossError("change_log_oldest record is corrupt");
  }
  return oldest;
}

absl::StatusOr<std::vector<ChangeLogEntry>> CatalogStore::ReadChangeLog(uint64_t from_revision,
                                                                        size_t limit) const {
  ScopedSnapshot snapshot(impl_->db);
  const rocksdb::ReadOptions read = snapshot.Options();
  // In the snapshot of the entries: a prune committed meanwhile is either
  // wholly seen (and reported) or not at all, never a silent gap.
  absl::StatusOr<uint64_t> oldest = impl_->ReadChangeLogOldest(read);
  if (!oldest.ok()) return oldest.status();
  if (from_revision < *oldest) {
    return absl::OutOfRangeError(absl::StrCat(
        "revision ", from_revision, " is no longer in the change log (retention); the oldest "
        "available revision is ", *oldest));
  }
  std::vector<ChangeLogEntry> entries;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read, impl_->cf(Cf::kChangeLog)));
  for (it->Seek(ChangeLogKey(from_revision)); it->Valid() && entries.size() < limit;
       it->Next()) {
    ChangeLogEntry& entry = entries.emplace_back();
    if (!ParseValue(*it, &entry)) {
      return absl::DataLossError(
          absl::StrCat("change-log entry after revision ", from_revision, " is corrupt"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "reading change log");
  return entries;
}

uint64_t CatalogStore::OldestChangeLogRevision() const {
  return impl_->change_log_oldest.load();
}

absl::StatusOr<uint64_t> CatalogStore::PruneChangeLog(absl::Time cutoff) {
  const uint64_t old = impl_->change_log_oldest.load();
  const uint64_t latest = impl_->committer->last_revision();
  // The first entry at or after the cutoff; everything before it goes.
  uint64_t keep = latest + 1;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kChangeLog)));
    const int64_t cutoff_micros = ToMicros(cutoff);
    for (it->Seek(ChangeLogKey(old)); it->Valid(); it->Next()) {
      ChangeLogEntry entry;
      if (!ParseValue(*it, &entry)) return absl::DataLossError("a change-log entry is corrupt");
      if (entry.revision() > latest || entry.change_time_micros() >= cutoff_micros) {
        keep = std::min<uint64_t>(entry.revision(), latest + 1);
        break;
      }
    }
    if (!it->status().ok()) return FromRocksStatus(it->status(), "reading change log");
  }
  if (keep <= old) return old;
  // Through the Committer: ordered with the writes, and the new oldest
  // revision is durable in the same batch as the deletion.
  Committer::Request request;
  request.build = [this, old, keep](uint64_t, rocksdb::WriteBatch* batch) {
    batch->DeleteRange(impl_->cf(Cf::kChangeLog), ChangeLogKey(old), ChangeLogKey(keep));
    std::string encoded;
    AppendUint64(&encoded, keep);
    batch->Put(impl_->cf(Cf::kMeta), kMetaChangeLogOldest, encoded);
  };
  request.sync = impl_->options.sync_writes;
  if (absl::Status s = impl_->committer->Commit(std::move(request)); !s.ok()) return s;
  impl_->change_log_oldest.store(keep);
  return keep;
}

uint64_t CatalogStore::WaitForRevisionAfter(uint64_t revision, absl::Time deadline) const {
  return impl_->committer->notifier().WaitForRevisionAfter(revision, deadline);
}

void CatalogStore::WakeRevisionWaiters() const { impl_->committer->notifier().WakeAll(); }

}  // namespace catalog::storage
