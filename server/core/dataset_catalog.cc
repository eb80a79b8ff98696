#include "server/core/dataset_catalog.h"

#include <random>
#include <unordered_map>

#include <google/protobuf/util/field_mask_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/resource_names.h"
#include "server/core/access.h"
#include "server/core/audit_recorder.h"
#include "server/core/dataset_validation.h"
#include "server/core/page_token.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

using catalog::v1::Dataset;
using google::protobuf::util::FieldMaskUtil;

// Fields a client may not name in an update mask.
constexpr absl::string_view kImmutablePaths[] = {"id", "create_time", "update_time", "revision",
                                                 "etag"};

// Records the dataset a call changes, for its audit entry.
void Concerns(const Caller& caller, absl::string_view id) {
  caller.audit->Concern(api::DatasetName(id));
}

std::string GeneratedId(const std::string& title) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return absl::StrCat(api::SlugFromText(title, 7), "-",
                      absl::StrFormat("%06x", random() & 0xffffff));
}

absl::Status CheckUpdateMask(const google::protobuf::FieldMask& mask) {
  for (const std::string& path : mask.paths()) {
    for (absl::string_view immutable : kImmutablePaths) {
      if (path == immutable) {
        return absl::InvalidArgumentError(absl::StrCat(
            "update_mask: \"", path, "\" cannot be changed (immutable or output only)"));
      }
    }
    if (!FieldMaskUtil::GetFieldDescriptors(Dataset::descriptor(), path, nullptr)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path, "\" is not a field of Dataset"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

DatasetCatalog::DatasetCatalog(storage::CatalogStore* store, CatalogLimits limits,
                                const PageTokens* tokens)
    : store_(store), limits_(limits), tokens_(tokens) {}

absl::Status DatasetCatalog::CheckHistoryVisible(const Caller& caller,
                                                 const std::string& id) const {
  absl::StatusOr<storage::RevisionPage> newest = store_->ListRevisions(id, 0, 1);
  if (!newest.ok()) return newest.status();
  if (newest->revisions.empty() || !Visibility(caller).Sees(newest->revisions[0].dataset())) {
    return api::DatasetNotFoundError(id);
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> DatasetCatalog::PageSize(int requested) const {
  return ResolvePageSize(requested, limits_.default_page_size, limits_.max_page_size);
}

absl::StatusOr<Dataset> DatasetCatalog::Create(const catalog::v1::CreateDatasetRequest& request,
                                               const Caller& caller) {
  Dataset dataset = request.dataset();
  const bool generated = dataset.id().empty() && !dataset.title().empty();
  if (generated) dataset.set_id(GeneratedId(dataset.title()));
  NormalizeDataset(&dataset);
  Concerns(caller, dataset.id());
  if (absl::Status s = ValidateDataset(dataset); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("dataset.", s.message()));
  }
  if (absl::Status s = CheckWrite(caller, nullptr, dataset); !s.ok()) return s;
  absl::StatusOr<Dataset> created =
      store_->CreateDataset(std::move(dataset), AuditRecorder::Write(caller));
  if (!created.ok()) return created.status();
  return Visibility(caller).Present(*std::move(created));
}

absl::StatusOr<Dataset> DatasetCatalog::Get(const catalog::v1::GetDatasetRequest& request,
                                            const Caller& caller) const {
  absl::StatusOr<std::string> id = api::ParseDatasetName(request.id(), "id");
  if (!id.ok()) return id.status();
  caller.audit->Read(*id);
  if (request.revision() < 0) {
    return absl::InvalidArgumentError("revision: must not be negative");
  }
  if (request.revision() > 0) {
    if (absl::Status s = CheckHistoryVisible(caller, *id); !s.ok()) return s;
  }
  absl::StatusOr<Dataset> dataset = request.revision() > 0
                                        ? store_->GetDatasetAt(*id, request.revision())
                                        : store_->GetDataset(*id);
  if (!dataset.ok()) return dataset.status();
  return Visibility(caller).Present(*std::move(dataset));
}

absl::StatusOr<Dataset> DatasetCatalog::Update(const catalog::v1::UpdateDatasetRequest& request,
                                               const Caller& caller) {
  absl::StatusOr<std::string> id = api::ParseDatasetName(request.dataset().id(), "dataset.id");
  if (!id.ok()) return id.status();
  Concerns(caller, *id);
  absl::StatusOr<int64_t> expected = ParseEtag(request.dataset().etag(), "dataset.etag");
  if (!expected.ok()) return expected.status();
  if (absl::Status s = CheckUpdateMask(request.update_mask()); !s.ok()) return s;

  const Visibility visibility(caller);
  absl::StatusOr<Dataset> current = store_->GetDataset(*id);
  if (!current.ok()) return current.status();
  if (!visibility.Sees(*current)) return api::DatasetNotFoundError(*id);
  if (*expected > 0 && current->revision() != *expected) {
    return api::StaleRevisionError(absl::StrCat("dataset ", *id), *expected, current->revision());
  }
  Dataset merged;
  if (request.update_mask().paths().empty()) {
    merged = request.dataset();
  } else {
    merged = *current;
    FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    options.set_replace_repeated_fields(true);
    FieldMaskUtil::MergeMessageTo(request.dataset(), request.update_mask(), options, &merged);
  }
  merged.set_id(*id);
  visibility.PreserveHiddenFields(*current, &merged);
  NormalizeDataset(&merged);
  if (absl::Status s = ValidateDataset(merged); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("dataset.", s.message()));
  }
  if (absl::Status s = CheckWrite(caller, &*current, merged); !s.ok()) return s;
  // Conditional on the state the merge was based on: a concurrent change in
  // between makes this ABORTED rather than silently overwritten.
  absl::StatusOr<Dataset> updated =
      store_->ReplaceDataset(std::move(merged), current->revision(), AuditRecorder::Write(caller));
  if (!updated.ok()) return updated.status();
  return visibility.Present(*std::move(updated));
}

absl::StatusOr<catalog::v1::DeleteDatasetResponse> DatasetCatalog::Delete(
    const catalog::v1::DeleteDatasetRequest& request, const Caller& caller) {
  absl::StatusOr<std::string> id = api::ParseDatasetName(request.id(), "id");
  if (!id.ok()) return id.status();
  Concerns(caller, *id);
  absl::StatusOr<int64_t> expected = ParseEtag(request.etag(), "etag");
  if (!expected.ok()) return expected.status();
  absl::StatusOr<Dataset> current = store_->GetDataset(*id);
  if (!current.ok()) return current.status();
  if (!Visibility(caller).Sees(*current)) return api::DatasetNotFoundError(*id);
  if (absl::Status s = CheckDelete(caller, *current); !s.ok()) return s;
  if (*expected > 0 && *expected != current->revision()) {
    return api::StaleRevisionError(absl::StrCat("dataset ", *id), *expected, current->revision());
  }
  absl::StatusOr<int64_t> revision = store_->DeleteDataset(
      *id, current->revision(), AuditRecorder::Write(caller), request.force());
  if (!revision.ok()) return revision.status();
  catalog::v1::DeleteDatasetResponse response;
  response.set_revision(*revision);
  return response;
}

absl::StatusOr<catalog::v1::ListDatasetsResponse> DatasetCatalog::List(
    const catalog::v1::ListDatasetsRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  if (absl::Status s = ValidateMessageFields(request.filter(), "filter"); !s.ok()) return s;
  if (absl::Status s = ValidateMessageFields(request, ""); !s.ok()) return s;

  absl::StatusOr<Paging> paging = Paging::Open(
      *tokens_, absl::StrCat(request.filter().SerializeAsString(), "|", request.order_by()),
      request.page_token());
  if (!paging.ok()) return paging.status();

  const Visibility visibility(caller);
  storage::DatasetQuery query;
  query.filter = request.filter();
  query.order = request.order_by();
  query.limit = *page_size;
  query.scan_budget = static_cast<size_t>(limits_.list_scan_budget);
  query.cursor = paging->position();
  query.visible = [&visibility](const Dataset& d) { return visibility.Lists(d); };
  absl::StatusOr<storage::DatasetPage> page = store_->ListDatasets(query);
  if (!page.ok()) return page.status();

  catalog::v1::ListDatasetsResponse response;
  for (Dataset& dataset : page->datasets) {
    absl::StatusOr<Dataset> visible = visibility.Present(std::move(dataset));
    if (!visible.ok()) return visible.status();
    *response.add_datasets() = *std::move(visible);
  }
  response.set_next_page_token(paging->NextToken(page->next_cursor));
  return response;
}

absl::StatusOr<catalog::v1::ListDatasetRevisionsResponse> DatasetCatalog::ListRevisions(
    const catalog::v1::ListDatasetRevisionsRequest& request, const Caller& caller) const {
  absl::StatusOr<std::string> id = api::ParseDatasetName(request.id(), "id");
  if (!id.ok()) return id.status();
  caller.audit->Read(*id);
  absl::StatusOr<size_t> page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<Paging> paging =
      Paging::Open(*tokens_, absl::StrCat("revisions|", *id), request.page_token());
  if (!paging.ok()) return paging.status();
  int64_t before = 0;
  if (!paging->position().empty() &&
      (!absl::SimpleAtoi(paging->position(), &before) || before <= 0)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  if (absl::Status s = CheckHistoryVisible(caller, *id); !s.ok()) return s;
  absl::StatusOr<storage::RevisionPage> page = store_->ListRevisions(*id, before, *page_size);
  if (!page.ok()) return page.status();

  const Visibility visibility(caller);
  catalog::v1::ListDatasetRevisionsResponse response;
  for (catalog::v1::DatasetRevision& revision : page->revisions) {
    if (!visibility.Sees(revision.dataset())) continue;
    absl::StatusOr<Dataset> visible = visibility.Present(std::move(*revision.mutable_dataset()));
    if (!visible.ok()) return visible.status();
    *revision.mutable_dataset() = *std::move(visible);
    *response.add_revisions() = std::move(revision);
  }
  if (page->next_before > 0) {
    response.set_next_page_token(paging->NextToken(absl::StrCat(page->next_before)));
  }
  return response;
}

absl::StatusOr<catalog::v1::UpsertDatasetsResponse> DatasetCatalog::Upsert(
    catalog::v1::UpsertDatasetsRequest request, const Caller& caller) {
  if (request.datasets_size() > limits_.max_batch_size) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "datasets: at most ", limits_.max_batch_size, " per UpsertDatasets batch, got ",
        request.datasets_size()));
  }
  catalog::v1::UpsertDatasetsResponse response;
  std::vector<storage::DatasetWrite> writes;
  writes.reserve(request.datasets_size());
  std::vector<int> write_item;  // Index of the response item of each write.
  std::unordered_map<std::string, size_t> planned_here;  // Earlier items: index in writes.
  for (Dataset& dataset : *request.mutable_datasets()) {
    catalog::v1::UpsertResult* result = response.add_results();
    result->set_id(dataset.id());
    if (!dataset.id().empty()) Concerns(caller, dataset.id());
    NormalizeDataset(&dataset);
    auto earlier = planned_here.find(dataset.id());
    absl::StatusOr<storage::DatasetWrite> write =
        PlanUpsert(caller, std::move(dataset),
                   earlier != planned_here.end() ? &writes[earlier->second].dataset : nullptr);
    if (!write.ok()) {
      result->set_code(static_cast<int32_t>(write.status().code()));
      result->set_message(std::string(write.status().message()));
      continue;
    }
    planned_here[write->dataset.id()] = writes.size();
    write_item.push_back(response.results_size() - 1);
    writes.push_back(*std::move(write));
  }
  if (request.validate_only()) {
    // Checked as a write would be; the store is not asked to change
    // anything.
    for (size_t i = 0; i < writes.size(); ++i) {
      catalog::v1::UpsertResult* result = response.mutable_results(write_item[i]);
      result->set_created(writes[i].mode == storage::WriteMode::kCreate);
      result->set_revision(writes[i].expected_revision);
    }
    return response;
  }
  std::vector<storage::DatasetWriteResult> stored =
      store_->WriteDatasets(std::move(writes), AuditRecorder::Write(caller));
  for (size_t i = 0; i < stored.size(); ++i) {
    catalog::v1::UpsertResult* result = response.mutable_results(write_item[i]);
    if (!stored[i].status.ok()) {
      result->set_code(static_cast<int32_t>(stored[i].status.code()));
      result->set_message(std::string(stored[i].status.message()));
      continue;
    }
    result->set_created(stored[i].created);
    result->set_unchanged(stored[i].unchanged);
    result->set_revision(stored[i].stored.revision());
  }
  return response;
}

// Whether `dataset` says exactly what the stored dataset with its id says
// (bookkeeping aside): writing it back changes nothing, so a bulk load of
// an export is not refused for what a stored dataset already lacks (an
// OpenLineage stub without a domain); the store reports it unchanged.
bool DatasetCatalog::SameAsStored(const Dataset& dataset) const {
  absl::StatusOr<Dataset> stored = store_->GetDataset(dataset.id());
  if (!stored.ok()) return false;
  Dataset a = dataset, b = *std::move(stored);
  for (Dataset* d : {&a, &b}) {
    d->clear_create_time();
    d->clear_update_time();
    d->clear_revision();
    d->clear_etag();
  }
  return a.SerializeAsString() == b.SerializeAsString();
}

absl::StatusOr<storage::DatasetWrite> DatasetCatalog::PlanUpsert(
    const Caller& caller, Dataset dataset, const Dataset* earlier_in_batch) const {
  if (absl::Status s = ValidateDataset(dataset); !s.ok() && !SameAsStored(dataset)) return s;
  if (earlier_in_batch != nullptr) {
    // Replaces the batch's earlier item, which was checked against the store.
    if (absl::Status s = CheckWrite(caller, earlier_in_batch, dataset); !s.ok()) return s;
    return storage::DatasetWrite{std::move(dataset), storage::WriteMode::kUpsert, 0};
  }
  absl::StatusOr<Dataset> current = store_->GetDataset(dataset.id());
  if (!current.ok() && !absl::IsNotFound(current.status())) return current.status();
  if (!current.ok()) {
    if (absl::Status s = CheckWrite(caller, nullptr, dataset); !s.ok()) return s;
    return storage::DatasetWrite{std::move(dataset), storage::WriteMode::kCreate, 0};
  }
  // A dataset the caller cannot see answers like a taken id on create, so
  // that bulk results reveal no more than CreateDataset does.
  const Visibility visibility(caller);
  if (!visibility.Sees(*current)) {
    return absl::AlreadyExistsError(absl::StrCat("dataset ", dataset.id(), " already exists"));
  }
  visibility.PreserveHiddenFields(*current, &dataset);
  if (absl::Status s = CheckWrite(caller, &*current, dataset); !s.ok()) return s;
  // Conditional on the state checked: a concurrent change makes it ABORTED.
  return storage::DatasetWrite{std::move(dataset), storage::WriteMode::kReplace,
                               current->revision()};
}

}  // namespace catalog::server
