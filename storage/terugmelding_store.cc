// CatalogStore: terugmeldingen (reports of doubted data) and the reporter
// index. A terugmelding lives under its dataset; writes lock the dataset's
// stripe (as dataset writes do), so none is filed for a dataset being
// deleted. Record, reporter index entry, change-log entry and the call's
// audit entry go in one atomic write.
//
// Terugmeldingen outlive their dataset: a reporter can still follow a
// report after the dataset was deleted, so Check does not require the
// dataset to exist.
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "storage/store_impl.h"

namespace catalog::storage {
namespace {

using catalog::v1::Terugmelding;

// The dataset id of "datasets/{id}" (or of a bare id).
std::string DatasetIdOf(const std::string& dataset) {
  const size_t slash = dataset.find('/');
  return slash == std::string::npos ? dataset : dataset.substr(slash + 1);
}

std::string ReportName(const std::string& dataset_id, const std::string& id) {
  return absl::StrCat("datasets/", dataset_id, "/reports/", id);
}

absl::Status ReportNotFound(const std::string& dataset_id, const std::string& id) {
  return absl::NotFoundError(
      absl::StrCat("terugmelding ", ReportName(dataset_id, id), " not found"));
}

// One page of the keys under `prefix` after `cursor` (a key of that page's
// listing; empty: from the start), each turned into a terugmelding by
// `load`, which may return nullopt to skip an entry.
template <typename Load>
absl::StatusOr<TerugmeldingPage> ListUnder(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                                           const std::string& prefix, const std::string& cursor,
                                           size_t limit, Load load) {
  if (!cursor.empty() && !absl::StartsWith(cursor, prefix)) {
    return absl::InvalidArgumentError("page_token: not a token of this listing");
  }
  ScopedSnapshot snapshot(db);
  const rocksdb::ReadOptions read = snapshot.Options();
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf));
  it->Seek(cursor.empty() ? prefix : cursor);
  if (it->Valid() && !cursor.empty() && it->key() == cursor) it->Next();
  TerugmeldingPage page;
  std::string last;
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (page.terugmeldingen.size() == limit) {
      page.next_cursor = last;
      break;
    }
    last = it->key().ToString();
    absl::StatusOr<std::optional<Terugmelding>> loaded = load(read, *it);
    if (!loaded.ok()) return loaded.status();
    if (loaded->has_value()) page.terugmeldingen.push_back(**std::move(loaded));
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "listing terugmeldingen");
  return page;
}

}  // namespace

// ---- Impl helpers ----

absl::Status CatalogStore::Impl::CheckTerugmeldingen(
    const rocksdb::ReadOptions& read, CheckReport* report,
    const std::function<void(std::string)>& problem) const {
  absl::StatusOr<uint64_t> oldest = ReadChangeLogOldest(read);  // Below it: pruned.
  if (!oldest.ok()) return oldest.status();
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf(Cf::kTerugmeldingen)));
  const std::string records = TerugmeldingEntryPrefix(TerugmeldingEntry::kRecord);
  for (it->Seek(records); it->Valid() && it->key().starts_with(records); it->Next()) {
    ++report->terugmeldingen;
    std::string dataset_id, id;
    Terugmelding record;
    if (!ParseTerugmeldingKey(it->key().ToStringView(), &dataset_id, &id) ||
        !record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        record.id() != id || DatasetIdOf(record.dataset()) != dataset_id) {
      problem(absl::StrCat("terugmelding record ", absl::CHexEscape(it->key().ToString()),
                           " is corrupt or names another report"));
      continue;
    }
    const std::string name = ReportName(dataset_id, id);
    std::string ignored;
    if (!db->Get(read, cf(Cf::kTerugmeldingen),
                 ReporterIndexKey(record.reporter_principal(), dataset_id, id), &ignored)
             .ok()) {
      problem(absl::StrCat(name, ": reporter index entry missing"));
    }
    if (static_cast<uint64_t>(record.revision()) < *oldest) continue;  // Pruned.
    std::string value;
    ChangeLogEntry entry;
    rocksdb::Status s = db->Get(read, cf(Cf::kChangeLog),
                                ChangeLogKey(static_cast<uint64_t>(record.revision())), &value);
    if (!s.ok() || !entry.ParseFromString(value) || entry.resource() != name) {
      problem(absl::StrCat(name, ": change-log entry for revision ", record.revision(),
                           " missing or for another resource"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking terugmeldingen");

  const std::string index = TerugmeldingEntryPrefix(TerugmeldingEntry::kByReporter);
  for (it->Seek(index); it->Valid() && it->key().starts_with(index); it->Next()) {
    std::string principal, dataset_id, id;
    if (!ParseReporterIndexKey(it->key().ToStringView(), &principal, &dataset_id, &id)) {
      problem(absl::StrCat("reporter index entry ", absl::CHexEscape(it->key().ToString()),
                           " is malformed"));
      continue;
    }
    absl::StatusOr<std::optional<Terugmelding>> record = ReadRecord<Terugmelding>(
        read, Cf::kTerugmeldingen, TerugmeldingKey(dataset_id, id), "terugmelding");
    if (!record.ok() || !record->has_value() ||
        (*record)->reporter_principal() != principal) {
      problem(absl::StrCat(ReportName(dataset_id, id), ": reporter index entry of \"",
                           principal, "\" without a record filed by them"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking terugmeldingen");
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!it->key().starts_with(records) && !it->key().starts_with(index)) {
      problem(absl::StrCat("terugmeldingen entry ", absl::CHexEscape(it->key().ToString()),
                           " is of no known kind"));
    }
  }
  if (!it->status().ok()) return FromRocksStatus(it->status(), "checking terugmeldingen");
  return absl::OkStatus();
}

// ---- Terugmeldingen ----

absl::Status CatalogStore::Impl::LoadReportFacts() {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), cf(Cf::kTerugmeldingen)));
  const std::string records = TerugmeldingEntryPrefix(TerugmeldingEntry::kRecord);
  for (it->Seek(records); it->Valid() && it->key().starts_with(records); it->Next()) {
    Terugmelding t;
    if (!t.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("a terugmelding is corrupt");
    }
    facts.PutReport(t);
  }
  return FromRocksStatus(it->status(), "reading terugmeldingen");
}

absl::StatusOr<Terugmelding> CatalogStore::CreateTerugmelding(Terugmelding terugmelding,
                                                              const WriteContext& context) {
  const std::string dataset_id = DatasetIdOf(terugmelding.dataset());
  const std::string& id = terugmelding.id();
  // The dataset's stripe: a delete of the dataset, holding it, cannot run
  // between the existence check and the commit.
  auto locks = impl_->LockIds({dataset_id});
  const rocksdb::ReadOptions read;
  absl::StatusOr<std::optional<Dataset>> dataset = impl_->ReadCurrent(read, dataset_id);
  if (!dataset.ok()) return dataset.status();
  if (!dataset->has_value()) return api::DatasetNotFoundError(dataset_id);
  const std::string key = TerugmeldingKey(dataset_id, id);
  absl::StatusOr<std::optional<Terugmelding>> current =
      impl_->ReadRecord<Terugmelding>(read, Cf::kTerugmeldingen, key, "terugmelding");
  if (!current.ok()) return current.status();
  if (current->has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat("terugmelding ", ReportName(dataset_id, id), " already exists"));
  }
  terugmelding.set_dataset(api::DatasetName(dataset_id));
  terugmelding.set_name(ReportName(dataset_id, id));
  absl::Status committed = impl_->Commit(
      1,
      [&](uint64_t revision, rocksdb::WriteBatch* batch) {
        Impl::Stamp(&terugmelding, static_cast<const Terugmelding*>(nullptr), revision, context);
        batch->Put(impl_->cf(Cf::kTerugmeldingen), key, terugmelding.SerializeAsString());
        batch->Put(impl_->cf(Cf::kTerugmeldingen),
                   ReporterIndexKey(terugmelding.reporter_principal(), dataset_id, id),
                   rocksdb::Slice());
        impl_->AddChangeLog(batch, revision, CHANGE_KIND_CREATE, terugmelding.name(), context);
      },
      context);
  if (!committed.ok()) return committed;
  impl_->facts.PutReport(terugmelding);
  return terugmelding;
}

absl::StatusOr<Terugmelding> CatalogStore::ReplaceTerugmelding(Terugmelding terugmelding,
                                                               int64_t expected_revision,
                                                               const WriteContext& context) {
  const std::string dataset_id = DatasetIdOf(terugmelding.dataset());
  const std::string id = terugmelding.id();
  auto locks = impl_->LockIds({dataset_id});
  const std::string key = TerugmeldingKey(dataset_id, id);
  absl::StatusOr<std::optional<Terugmelding>> current = impl_->ReadRecord<Terugmelding>(
      rocksdb::ReadOptions(), Cf::kTerugmeldingen, key, "terugmelding");
  if (!current.ok()) return current.status();
  if (!current->has_value()) return ReportNotFound(dataset_id, id);
  const Terugmelding& before = **current;
  if (expected_revision > 0 && before.revision() != expected_revision) {
    return api::StaleRevisionError(absl::StrCat("terugmelding ", before.name()),
                                   expected_revision, before.revision());
  }
  // Identity and reporter are fixed at filing: the reporter index entry
  // stays valid.
  terugmelding.set_name(before.name());
  terugmelding.set_dataset(before.dataset());
  terugmelding.set_reporter_principal(before.reporter_principal());
  absl::Status committed = impl_->Commit(
      1,
      [&](uint64_t revision, rocksdb::WriteBatch* batch) {
        Impl::Stamp(&terugmelding, &before, revision, context);
        batch->Put(impl_->cf(Cf::kTerugmeldingen), key, terugmelding.SerializeAsString());
        impl_->AddChangeLog(batch, revision, CHANGE_KIND_UPDATE, terugmelding.name(), context);
      },
      context);
  if (!committed.ok()) return committed;
  impl_->facts.PutReport(terugmelding);
  return terugmelding;
}

absl::StatusOr<Terugmelding> CatalogStore::GetTerugmelding(const std::string& dataset,
                                                           const std::string& id) const {
  const std::string dataset_id = DatasetIdOf(dataset);
  absl::StatusOr<std::optional<Terugmelding>> record = impl_->ReadRecord<Terugmelding>(
      rocksdb::ReadOptions(), Cf::kTerugmeldingen, TerugmeldingKey(dataset_id, id),
      "terugmelding");
  if (!record.ok()) return record.status();
  if (!record->has_value()) return ReportNotFound(dataset_id, id);
  return **std::move(record);
}

absl::StatusOr<TerugmeldingPage> CatalogStore::ListTerugmeldingen(const std::string& dataset,
                                                                  const std::string& cursor,
                                                                  size_t limit) const {
  return ListUnder(
      impl_->db, impl_->cf(Cf::kTerugmeldingen), TerugmeldingPrefix(DatasetIdOf(dataset)),
      cursor, limit,
      [](const rocksdb::ReadOptions&,
         const rocksdb::Iterator& it) -> absl::StatusOr<std::optional<Terugmelding>> {
        Terugmelding record;
        if (!record.ParseFromArray(it.value().data(), static_cast<int>(it.value().size()))) {
          return absl::DataLossError("a terugmelding record is corrupt");
        }
        return std::optional<Terugmelding>(std::move(record));
      });
}

absl::StatusOr<TerugmeldingPage> CatalogStore::ListTerugmeldingenOf(const std::string& principal,
                                                                    const std::string& cursor,
                                                                    size_t limit) const {
  return ListUnder(
      impl_->db, impl_->cf(Cf::kTerugmeldingen), ReporterIndexPrefix(principal), cursor, limit,
      [this](const rocksdb::ReadOptions& read,
             const rocksdb::Iterator& it) -> absl::StatusOr<std::optional<Terugmelding>> {
        std::string who, dataset_id, id;
        if (!ParseReporterIndexKey(it.key().ToStringView(), &who, &dataset_id, &id)) {
          return absl::DataLossError("a reporter index entry is corrupt");
        }
        // Same snapshot: the index entry and its record were written together.
        return impl_->ReadRecord<Terugmelding>(read, Cf::kTerugmeldingen,
                                               TerugmeldingKey(dataset_id, id), "terugmelding");
      });
}

}  // namespace catalog::storage
