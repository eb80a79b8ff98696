#include "server/core/change_feed.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/resource_names.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;

constexpr absl::string_view kLineageCollection = "lineage/";
constexpr absl::string_view kMeasurements = "/measurements/";
constexpr absl::string_view kReports = "/reports/";

// The kind of resource a change-log entry names; UNSPECIFIED for names the
// feed does not know (left out).
v1::ResourceKind KindOf(absl::string_view name) {
  if (absl::StartsWith(name, api::kDatasetCollection)) {
    const absl::string_view rest = name.substr(api::kDatasetCollection.size());
    const size_t slash = rest.find('/');
    if (slash == absl::string_view::npos) return v1::RESOURCE_KIND_DATASET;
    const absl::string_view sub = rest.substr(slash);
    if (absl::StartsWith(sub, kMeasurements)) return v1::RESOURCE_KIND_QUALITY_MEASUREMENT;
    if (absl::StartsWith(sub, kReports)) return v1::RESOURCE_KIND_TERUGMELDING;
    return v1::RESOURCE_KIND_UNSPECIFIED;
  }
  if (absl::StartsWith(name, kLineageCollection)) return v1::RESOURCE_KIND_LINEAGE_EDGE;
  if (absl::StartsWith(name, api::kPartyCollection)) return v1::RESOURCE_KIND_PARTY;
  if (absl::StartsWith(name, api::kActivityCollection)) {
    return v1::RESOURCE_KIND_PROCESSING_ACTIVITY;
  }
  return v1::RESOURCE_KIND_UNSPECIFIED;
}

v1::ChangeType TypeOf(storage::ChangeKind kind) {
  switch (kind) {
    case storage::CHANGE_KIND_CREATE:
      return v1::CHANGE_TYPE_CREATED;
    case storage::CHANGE_KIND_UPDATE:
      return v1::CHANGE_TYPE_UPDATED;
    case storage::CHANGE_KIND_DELETE:
      return v1::CHANGE_TYPE_DELETED;
    default:
      return v1::CHANGE_TYPE_UNSPECIFIED;
  }
}

bool Wanted(const v1::WatchChangesRequest& request, v1::ResourceKind kind,
            absl::string_view name) {
  if (kind == v1::RESOURCE_KIND_UNSPECIFIED) return false;
  if (!absl::StartsWith(name, request.resource_prefix())) return false;
  return request.kinds().empty() ||
         std::find(request.kinds().begin(), request.kinds().end(), kind) !=
             request.kinds().end();
}

// The current state of a resource other than a dataset, as its Get call
// presents it to the caller, into `change`: superseded when it changed (or
// went) since; nothing when the caller may not read it.
template <typename Message, typename Result>
void SetCurrent(const absl::StatusOr<Message>& current, int64_t revision, v1::Change* change,
                Result* (v1::Change::*mutable_state)()) {
  if (absl::IsNotFound(current.status())) {
    change->set_superseded(true);
  } else if (current.ok() && current->revision() == revision) {
    *(change->*mutable_state)() = *current;
  } else if (current.ok()) {
    change->set_superseded(true);
  }
}

}  // namespace

ChangeFeed::ChangeFeed(storage::CatalogStore* store, const LineageCatalog* lineage,
                       const TerugmeldingCatalog* terugmeldingen,
                       const ProcessingRegister* register_, ChangeFeedOptions options)
    : store_(store),
      lineage_(lineage),
      terugmeldingen_(terugmeldingen),
      register_(register_),
      options_(std::move(options)) {}

ChangeFeed::~ChangeFeed() { Stop(); }

void ChangeFeed::Start() {
  Prune().IgnoreError();
  thread_ = std::thread([this] { Run(); });
}

void ChangeFeed::Stop() {
  std::vector<std::function<void()>> parked;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    parked.swap(parked_);
  }
  if (thread_.joinable()) {  // Started: the store is still open.
    store_->WakeRevisionWaiters();
    thread_.join();
  }
  for (const auto& wake : parked) wake();
}

bool ChangeFeed::stopping() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

absl::StatusOr<uint64_t> ChangeFeed::Prune() {
  absl::StatusOr<uint64_t> oldest = store_->PruneChangeLog(absl::Now() - options_.retention);
  if (oldest.ok()) {
    spdlog::info("msg=\"change log pruned\" oldest_revision={}", *oldest);
  } else {
    spdlog::error("msg=\"change log not pruned\" error=\"{}\"",
                  std::string(oldest.status().message()));
  }
  return oldest;
}

void ChangeFeed::Run() {
  uint64_t seen = static_cast<uint64_t>(store_->LatestRevision());
  absl::Time next_prune = absl::Now() + options_.prune_interval;
  for (;;) {
    seen = store_->WaitForRevisionAfter(seen, absl::Now() + absl::Seconds(1));
    std::vector<std::function<void()>> parked;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      parked.swap(parked_);
    }
    for (const auto& wake : parked) wake();
    RunTicks();
    if (absl::Now() >= next_prune) {
      Prune().IgnoreError();
      next_prune = absl::Now() + options_.prune_interval;
    }
  }
}

void ChangeFeed::Tick(std::function<bool()> tick) {
  std::lock_guard<std::mutex> lock(mutex_);
  ticks_.push_back(std::move(tick));
}

void ChangeFeed::RunTicks() {
  if (absl::Now() < next_tick_) return;
  next_tick_ = absl::Now() + absl::Seconds(1);
  std::vector<std::function<bool()>> ticks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticks.swap(ticks_);
  }
  std::vector<std::function<bool()>> kept;
  for (auto& tick : ticks) {
    if (tick()) kept.push_back(std::move(tick));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& tick : kept) ticks_.push_back(std::move(tick));
}

ChangeFeed::Parking ChangeFeed::Park(uint64_t cursor, std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return Parking::kStopping;
  // Under the lock: the feed thread takes the parked streams only after
  // the revision that woke it was committed, so a stream that checked
  // before that is woken, and one that checks after sees the revision.
  if (static_cast<uint64_t>(store_->LatestRevision()) >= cursor) return Parking::kReady;
  parked_.push_back(std::move(wake));
  return Parking::kParked;
}

absl::StatusOr<uint64_t> ChangeFeed::FirstRevision(const v1::WatchChangesRequest& request) const {
  for (int kind : request.kinds()) {
    if (kind == v1::RESOURCE_KIND_UNSPECIFIED || !v1::ResourceKind_IsValid(kind)) {
      return absl::InvalidArgumentError(absl::StrCat("kinds: unknown resource kind ", kind));
    }
  }
  if (request.from_revision() < 0) {
    return absl::InvalidArgumentError("from_revision: must not be negative");
  }
  const uint64_t next = static_cast<uint64_t>(store_->LatestRevision()) + 1;
  if (request.from_revision() == 0) return next;
  const uint64_t from = static_cast<uint64_t>(request.from_revision());
  if (from > next) {
    return absl::InvalidArgumentError(absl::StrCat(
        "from_revision: ", from, " is beyond the next revision ", next,
        " of this catalogue (a position from another catalogue?)"));
  }
  // OUT_OF_RANGE naming the oldest available revision when pruned.
  absl::StatusOr<std::vector<storage::ChangeLogEntry>> probe = store_->ReadChangeLog(from, 1);
  if (!probe.ok()) return probe.status();
  return from;
}

absl::StatusOr<ChangeFeed::Step> ChangeFeed::Read(const v1::WatchChangesRequest& request,
                                                  const Caller& caller, uint64_t* cursor) const {
  absl::StatusOr<std::vector<storage::ChangeLogEntry>> entries =
      store_->ReadChangeLog(*cursor, options_.read_batch);
  if (!entries.ok()) return entries.status();
  // The catalogs' Get calls name what they read in the caller's audit:
  // the watch's own entry was written when it started.
  Caller reader = caller;
  reader.audit = std::make_shared<CallAudit>();
  Step step;
  size_t bytes = 0;
  size_t read = 0;
  while (read < entries->size() && bytes < options_.response_bytes) {
    const storage::ChangeLogEntry& entry = (*entries)[read++];
    v1::Change change;
    if (Present(entry, request, reader, &change)) {
      bytes += change.ByteSizeLong();
      *step.response.add_changes() = std::move(change);
    }
    *cursor = entry.revision() + 1;
  }
  step.response.set_caught_up_revision(static_cast<int64_t>(*cursor) - 1);
  step.caught_up = read == entries->size() && entries->size() < options_.read_batch;
  return step;
}

bool ChangeFeed::Present(const storage::ChangeLogEntry& entry,
                         const v1::WatchChangesRequest& request, const Caller& caller,
                         v1::Change* change) const {
  const v1::ResourceKind kind = KindOf(entry.resource());
  if (!Wanted(request, kind, entry.resource())) return false;
  const int64_t revision = static_cast<int64_t>(entry.revision());
  v1::ChangeType type = TypeOf(entry.kind());
  const Visibility visibility(caller);
  const bool visible = visibility.SeesResourceAt(*store_, entry.resource(), revision);
  if (kind == v1::RESOURCE_KIND_DATASET && type == v1::CHANGE_TYPE_UPDATED) {
    // A classification change across the caller's clearance: the dataset
    // leaves (or enters) what they see.
    const bool before = visibility.SeesResourceAt(*store_, entry.resource(), revision - 1);
    if (visible != before) type = visible ? v1::CHANGE_TYPE_CREATED : v1::CHANGE_TYPE_DELETED;
    if (!visible && !before) return false;
  } else if (!visible) {
    return false;
  }
  change->set_revision(revision);
  *change->mutable_change_time() = TimeUtil::MicrosecondsToTimestamp(entry.change_time_micros());
  change->set_kind(kind);
  change->set_resource(entry.resource());
  change->set_change_type(type);
  change->set_principal(entry.principal());
  if (request.include_state() && type != v1::CHANGE_TYPE_DELETED) AddState(entry, caller, change);
  return true;
}

void ChangeFeed::AddState(const storage::ChangeLogEntry& entry, const Caller& caller,
                          v1::Change* change) const {
  const std::string& name = entry.resource();
  const int64_t revision = static_cast<int64_t>(entry.revision());
  switch (change->kind()) {
    case v1::RESOURCE_KIND_DATASET: {
      absl::StatusOr<v1::Dataset> then = store_->GetDatasetAt(api::IdOf(name), revision);
      if (!then.ok()) return;
      absl::StatusOr<v1::Dataset> shown = Visibility(caller).Present(*std::move(then));
      if (shown.ok()) *change->mutable_dataset() = *std::move(shown);
      return;
    }
    case v1::RESOURCE_KIND_PARTY: {
      v1::GetPartyRequest get;
      get.set_id(name);
      SetCurrent(lineage_->GetParty(get, caller), revision, change,
                 &v1::Change::mutable_party);
      return;
    }
    case v1::RESOURCE_KIND_LINEAGE_EDGE: {
      // "lineage/{source id}/{target name}".
      const absl::string_view rest = absl::string_view(name).substr(kLineageCollection.size());
      const size_t slash = rest.find('/');
      v1::GetEdgeRequest get;
      get.set_source(std::string(rest.substr(0, slash)));
      get.set_target(std::string(rest.substr(slash + 1)));
      SetCurrent(lineage_->GetEdge(get, caller), revision, change, &v1::Change::mutable_edge);
      return;
    }
    case v1::RESOURCE_KIND_TERUGMELDING: {
      v1::GetTerugmeldingRequest get;
      get.set_name(name);
      SetCurrent(terugmeldingen_->Get(get, caller), revision, change,
                 &v1::Change::mutable_terugmelding);
      return;
    }
    case v1::RESOURCE_KIND_PROCESSING_ACTIVITY: {
      v1::GetProcessingActivityRequest get;
      get.set_name(name);
      SetCurrent(register_->Get(get, caller), revision, change,
                 &v1::Change::mutable_processing_activity);
      return;
    }
    default:  // Measurements are immutable: no state (ListMeasurements).
      return;
  }
}

}  // namespace catalog::server
