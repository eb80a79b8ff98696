// The register of processing activities: current versions and every
// version, written together in one batch with the change-log entry.
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "storage/store_impl.h"

namespace catalog::storage {
namespace {

using catalog::v1::ProcessingActivity;

using api::ActivityName;

absl::Status ActivityNotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("processing activity ", id, " not found"));
}

// Sets the names of `a` at version `version`, valid from `from`.
void SetVersion(ProcessingActivity* a, int64_t version, absl::Time from) {
  a->set_name(ActivityName(a->id()));
  a->set_version(version);
  a->set_version_name(absl::StrCat(ActivityName(a->id()), "/versions/", version));
  *a->mutable_valid_from() = ToTimestamp(from);
  a->clear_valid_until();
}

}  // namespace

absl::StatusOr<ProcessingActivity> CatalogStore::CreateProcessingActivity(
    ProcessingActivity activity, const WriteContext& context) {
  const std::string name = ActivityName(activity.id());
  auto locks = impl_->LockIds({name});
  absl::StatusOr<std::optional<ProcessingActivity>> current = impl_->ReadRecord<ProcessingActivity>(
      rocksdb::ReadOptions(), Cf::kProcessingActivities, ProcessingActivityKey(activity.id()),
      "processing activity");
  if (!current.ok()) return current.status();
  if (current->has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("processing activity ", activity.id(), " already exists"));
  }
  absl::Status committed = impl_->Commit(
      1,
      [&](uint64_t revision, rocksdb::WriteBatch* batch) {
        Impl::Stamp(&activity, static_cast<const ProcessingActivity*>(nullptr), revision, context);
        const absl::Time from = activity.has_valid_from()
                                    ? absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(
                                          activity.valid_from()))
                                    : context.time;
        SetVersion(&activity, 1, from);
        const std::string bytes = activity.SerializeAsString();
        batch->Put(impl_->cf(Cf::kProcessingActivities), ProcessingActivityKey(activity.id()),
                   bytes);
        batch->Put(impl_->cf(Cf::kProcessingActivityVersions),
                   ProcessingActivityVersionKey(activity.id(), 1), bytes);
        impl_->AddChangeLog(batch, revision, CHANGE_KIND_CREATE, name, context);
      },
      context);
  if (!committed.ok()) return committed;
  return activity;
}

absl::StatusOr<ProcessingActivity> CatalogStore::ReplaceProcessingActivity(
    ProcessingActivity next, bool new_version, int64_t expected_revision,
    const WriteContext& context) {
  const std::string id = next.id();
  auto locks = impl_->LockIds({ActivityName(id)});
  absl::StatusOr<std::optional<ProcessingActivity>> stored = impl_->ReadRecord<ProcessingActivity>(
      rocksdb::ReadOptions(), Cf::kProcessingActivities, ProcessingActivityKey(id),
      "processing activity");
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return ActivityNotFound(id);
  const ProcessingActivity& before = **stored;
  if (before.revision() != expected_revision) {
    return api::StaleRevisionError(absl::StrCat("processing activity ", id), expected_revision,
                                   before.revision());
  }
  absl::Status committed = impl_->Commit(
      1,
      [&](uint64_t revision, rocksdb::WriteBatch* batch) {
        Impl::Stamp(&next, &before, revision, context);
        if (new_version) {
          ProcessingActivity closed = before;
          *closed.mutable_valid_until() = ToTimestamp(context.time);
          batch->Put(impl_->cf(Cf::kProcessingActivityVersions),
                     ProcessingActivityVersionKey(id, static_cast<uint64_t>(before.version())),
                     closed.SerializeAsString());
          SetVersion(&next, before.version() + 1, context.time);
        } else {
          next.set_name(before.name());
          next.set_version(before.version());
          next.set_version_name(before.version_name());
          *next.mutable_valid_from() = before.valid_from();
          next.clear_valid_until();
        }
        const std::string bytes = next.SerializeAsString();
        batch->Put(impl_->cf(Cf::kProcessingActivities), ProcessingActivityKey(id), bytes);
        batch->Put(impl_->cf(Cf::kProcessingActivityVersions),
                   ProcessingActivityVersionKey(id, static_cast<uint64_t>(next.version())), bytes);
        impl_->AddChangeLog(batch, revision, CHANGE_KIND_UPDATE, ActivityName(id), context);
      },
      context);
  if (!committed.ok()) return committed;
  return next;
}

absl::StatusOr<ProcessingActivity> CatalogStore::GetProcessingActivity(const std::string& id,
                                                                       int64_t version) const {
  absl::StatusOr<std::optional<ProcessingActivity>> record =
      version > 0 ? impl_->ReadRecord<ProcessingActivity>(
                        rocksdb::ReadOptions(), Cf::kProcessingActivityVersions,
                        ProcessingActivityVersionKey(id, static_cast<uint64_t>(version)),
                        "processing activity version")
                  : impl_->ReadRecord<ProcessingActivity>(rocksdb::ReadOptions(),
                                                          Cf::kProcessingActivities,
                                                          ProcessingActivityKey(id),
                                                          "processing activity");
  if (!record.ok()) return record.status();
  if (!record->has_value()) {
    return version > 0 ? absl::NotFoundError(absl::StrCat("processing activity ", id,
                                                          " has no version ", version))
                       : ActivityNotFound(id);
  }
  return **std::move(record);
}

absl::StatusOr<std::vector<ProcessingActivity>> CatalogStore::ListProcessingActivities(
    const std::string& after_id, size_t limit) const {
  std::vector<ProcessingActivity> activities;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kProcessingActivities)));
  const std::string after = ProcessingActivityKey(after_id);
  for (after_id.empty() ? it->SeekToFirst() : it->Seek(after); it->Valid(); it->Next()) {
    if (it->key() == after) continue;
    if (activities.size() == limit) break;
    if (!ParseValue(*it, &activities.emplace_back())) {
      return absl::DataLossError("a processing activity record is corrupt");
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "listing processing activities");
  return activities;
}

absl::StatusOr<std::vector<ProcessingActivity>> CatalogStore::ListProcessingActivityVersions(
    const std::string& id, int64_t before_version, size_t limit) const {
  std::vector<ProcessingActivity> versions;
  const std::string prefix = ProcessingActivityVersionPrefix(id);
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(
      rocksdb::ReadOptions(), impl_->cf(Cf::kProcessingActivityVersions)));
  if (before_version > 0) {
    it->SeekForPrev(ProcessingActivityVersionKey(id, static_cast<uint64_t>(before_version - 1)));
  } else {
    it->SeekForPrev(ProcessingActivityVersionKey(id, UINT64_MAX));
  }
  for (; it->Valid() && it->key().starts_with(prefix) && versions.size() < limit; it->Prev()) {
    if (!ParseValue(*it, &versions.emplace_back())) {
      return absl::DataLossError("a processing activity version is corrupt");
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "listing activity versions");
  if (versions.empty() && before_version == 0) return ActivityNotFound(id);
  return versions;
}

}  // namespace catalog::storage
