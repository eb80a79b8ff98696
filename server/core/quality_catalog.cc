#include "server/core/quality_catalog.h"

#include <cmath>
#include <map>
#include <set>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "api/resource_names.h"
#include "server/core/access.h"
#include "server/core/audit_recorder.h"
#include "server/core/dataset_validation.h"
#include "server/core/request_rules.h"
#include "server/core/visibility.h"

namespace catalog::server {
namespace {

namespace v1 = ::catalog::v1;
using google::protobuf::util::TimeUtil;
using v1::Dataset;
using v1::Measurement;

// Clock skew tolerated for measured_at in the future.
constexpr absl::Duration kSkew = absl::Minutes(1);

int MonthIndex(absl::Time t) {
  const absl::CivilMonth m = absl::ToCivilMonth(t, absl::UTCTimeZone());
  return static_cast<int>(m.year() * 12 + m.month() - 1);
}

}  // namespace

absl::Duration StalePeriod(const QualityOptions& options) {
  return absl::Hours(24) * options.stale_after_days;
}

bool ScoreBelowNorm(double score, double norm) { return score < norm; }

bool BelowNorm(const storage::DimensionFacts& dimension) {
  return dimension.has_norm && dimension.measured &&
         ScoreBelowNorm(dimension.latest, dimension.norm);
}

absl::StatusOr<bool> AnyBelowNorm(const storage::CatalogStore& store, const v1::Dataset& dataset) {
  for (const v1::QualityNorm& norm : dataset.quality_norms()) {
    absl::StatusOr<std::optional<Measurement>> latest =
        store.LatestMeasurement(dataset.id(), norm.dimension());
    if (!latest.ok()) return latest.status();
    if (latest->has_value() && ScoreBelowNorm((*latest)->score(), norm.target())) return true;
  }
  return false;
}

QualityCatalog::QualityCatalog(storage::CatalogStore* store, QualityOptions options,
                               const PageTokens* tokens, OpenTerugmeldingenFn open_terugmeldingen)
    : store_(store),
      options_(std::move(options)),
      tokens_(tokens),
      open_terugmeldingen_(std::move(open_terugmeldingen)) {}

absl::Status QualityCatalog::Check(const Caller& caller, Measurement* m) const {
  m->clear_name();
  m->clear_revision();
  absl::StatusOr<std::string> id = api::ParseDatasetName(m->dataset(), "measurement.dataset");
  if (!id.ok()) return id.status();
  m->set_dataset(api::DatasetName(*id));
  if (absl::Status s = ValidateMessageFields(*m, "measurement"); !s.ok()) return s;
  if (m->dimension() == v1::QUALITY_DIMENSION_UNSPECIFIED) {
    return FieldError("measurement.dimension", "required");
  }
  if (!std::isfinite(m->score()) || m->score() < 0 || m->score() > 100) {
    return FieldError("measurement.score", "must be within 0..100");
  }
  if (m->sample_size() < 0) return FieldError("measurement.sample_size", "must not be negative");
  const absl::Time now = options_.now();
  if (!m->has_measured_at()) {
    *m->mutable_measured_at() = ProtoTimestamp(now);
  } else if (!ValidTimestamp(m->measured_at())) {
    return FieldError("measurement.measured_at", "not a valid time");
  } else if (AbslTime(m->measured_at()) > now + kSkew) {
    return FieldError("measurement.measured_at", "lies in the future");
  }
  if (m->measured_by().empty()) m->set_measured_by(caller.principal);
  return absl::OkStatus();
}

absl::Status QualityCatalog::AdmitBatch(const v1::RecordMeasurementsRequest& request) const {
  if (request.measurements_size() > options_.max_batch) {
    return absl::ResourceExhaustedError(
        absl::StrCat("measurements: at most ", options_.max_batch, " per batch"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::RecordMeasurementsResponse> QualityCatalog::RecordBatch(
    const v1::RecordMeasurementsRequest& request, const Caller& caller) {
  if (absl::Status admitted = AdmitBatch(request); !admitted.ok()) return admitted;
  v1::RecordMeasurementsResponse response;
  std::vector<Measurement> accepted;
  std::vector<int> positions;
  // Each dataset is authorized once per batch, from the store's facts.
  std::map<std::string, absl::Status> allowed;
  std::set<std::string> concerned;
  for (const Measurement& item : request.measurements()) {
    v1::MeasurementResult* result = response.add_results();
    Measurement m = item;
    absl::Status status = Check(caller, &m);
    if (status.ok()) {
      auto found = allowed.find(m.dataset());
      if (found == allowed.end()) {
        found = allowed
                    .emplace(m.dataset(),
                             CheckStewardship(*store_, caller, api::IdOf(m.dataset())))
                    .first;
      }
      status = found->second;
    }
    if (!status.ok()) {
      result->set_code(static_cast<int>(status.code()));
      result->set_message(std::string(status.message()));
      continue;
    }
    concerned.insert(m.dataset());
    positions.push_back(response.results_size() - 1);
    accepted.push_back(std::move(m));
  }
  for (const std::string& name : concerned) caller.audit->Concern(name);
  if (accepted.empty() || request.validate_only()) return response;
  std::vector<storage::MeasurementWriteResult> written =
      store_->RecordMeasurements(std::move(accepted), AuditRecorder::Write(caller));
  for (size_t i = 0; i < written.size(); ++i) {
    v1::MeasurementResult* result = response.mutable_results(positions[i]);
    result->set_code(static_cast<int>(written[i].status.code()));
    result->set_message(std::string(written[i].status.message()));
    if (written[i].status.ok()) *result->mutable_measurement() = std::move(written[i].stored);
  }
  return response;
}

absl::StatusOr<Measurement> QualityCatalog::Record(const v1::RecordMeasurementRequest& request,
                                                   const Caller& caller) {
  v1::RecordMeasurementsRequest batch;
  *batch.add_measurements() = request.measurement();
  absl::StatusOr<v1::RecordMeasurementsResponse> response = RecordBatch(batch, caller);
  if (!response.ok()) return response.status();
  const v1::MeasurementResult& result = response->results(0);
  if (result.code() != 0) {
    return absl::Status(static_cast<absl::StatusCode>(result.code()), result.message());
  }
  return result.measurement();
}

absl::StatusOr<v1::ListMeasurementsResponse> QualityCatalog::List(
    const v1::ListMeasurementsRequest& request, const Caller& caller) const {
  absl::StatusOr<size_t> page_size = ResolvePageSize(request.page_size(),
                                                     options_.default_page_size,
                                                     options_.max_page_size);
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::string> id = api::ParseDatasetName(request.dataset(), "dataset");
  if (!id.ok()) return id.status();
  caller.audit->Read(*id);
  if (absl::Status s = ValidateMessageFields(request, ""); !s.ok()) return s;
  storage::MeasurementQuery query;
  query.dataset = *id;
  query.dimension = request.dimension();
  if (request.has_from()) query.from = AbslTime(request.from());
  if (request.has_to()) query.to = AbslTime(request.to());
  if (query.from >= query.to) return FieldError("to", "must be after from");
  if (absl::Status s = Visibility(caller).CheckNamed(*store_, *id); !s.ok()) return s;
  absl::StatusOr<Paging> paging = Paging::Open(
      *tokens_,
      absl::StrCat("measurements|", *id, "|", request.dimension(), "|",
                   request.from().SerializeAsString(), "|", request.to().SerializeAsString()),
      request.page_token());
  if (!paging.ok()) return paging.status();
  query.cursor = paging->position();
  query.limit = *page_size;
  absl::StatusOr<storage::MeasurementPage> page = store_->ListMeasurements(query);
  if (!page.ok()) return page.status();
  v1::ListMeasurementsResponse response;
  for (Measurement& m : page->measurements) *response.add_measurements() = std::move(m);
  response.set_next_page_token(paging->NextToken(page->next_cursor));
  return response;
}

absl::StatusOr<v1::QualityReport> QualityCatalog::Report(
    const v1::GetQualityReportRequest& request, const Caller& caller) const {
  absl::StatusOr<std::string> id = api::ParseDatasetName(request.dataset(), "dataset");
  if (!id.ok()) return id.status();
  caller.audit->Read(*id);
  const Visibility visibility(caller);
  absl::StatusOr<Dataset> dataset = visibility.Read(*store_, *id);
  if (!dataset.ok()) return dataset.status();
  if (absl::Status s = visibility.CheckPurpose(*dataset); !s.ok()) return s;

  const absl::Time now = options_.now();
  v1::QualityReport report;
  report.set_dataset(api::DatasetName(*id));
  *report.mutable_generated_at() = ProtoTimestamp(now);
  report.set_stale_after_days(options_.stale_after_days);
  OpenTerugmeldingen open;
  if (open_terugmeldingen_) {
    absl::StatusOr<OpenTerugmeldingen> counted = open_terugmeldingen_(*id);
    if (!counted.ok()) return counted.status();
    open = *std::move(counted);
  }
  report.set_open_terugmeldingen(open.open);
  report.set_overdue_terugmeldingen(open.overdue);

  std::map<v1::QualityDimension, double> norms;
  for (const v1::QualityNorm& norm : dataset->quality_norms()) norms[norm.dimension()] = norm.target();
  const int this_month = MonthIndex(now);
  double sum = 0;
  int measured = 0;
  for (int d = v1::QualityDimension_MIN + 1; d <= v1::QualityDimension_MAX; ++d) {
    const auto dimension = static_cast<v1::QualityDimension>(d);
    absl::StatusOr<std::optional<Measurement>> latest = store_->LatestMeasurement(*id, dimension);
    if (!latest.ok()) return latest.status();
    const auto norm = norms.find(dimension);
    const auto reports = open.by_dimension.find(dimension);
    if (!latest->has_value() && norm == norms.end() && reports == open.by_dimension.end()) {
      continue;
    }
    v1::DimensionQuality* q = report.add_dimensions();
    q->set_dimension(dimension);
    if (norm != norms.end()) {
      q->set_has_norm(true);
      q->set_norm(norm->second);
    }
    if (reports != open.by_dimension.end()) q->set_open_terugmeldingen(reports->second);
    if (latest->has_value()) {
      const Measurement& m = **latest;
      *q->mutable_latest() = m;
      q->set_meets_norm(q->has_norm() && !ScoreBelowNorm(m.score(), q->norm()));
      const absl::Duration age = std::max(absl::ZeroDuration(), now - AbslTime(m.measured_at()));
      q->set_age_seconds(absl::ToInt64Seconds(age));
      q->set_stale(age > StalePeriod(options_));
      sum += m.score();
      ++measured;
      if (q->has_norm() && !q->meets_norm()) report.add_below_norm(dimension);
    } else {
      q->set_stale(q->has_norm());
    }
    if (q->stale()) report.add_stale(dimension);
    absl::StatusOr<std::vector<storage::MonthlyAggregate>> months = store_->MonthlyAggregates(
        *id, dimension, this_month - options_.trend_months + 1, this_month);
    if (!months.ok()) return months.status();
    for (const storage::MonthlyAggregate& month : *months) {
      v1::MonthlyScore* score = q->add_trend();
      score->set_month(absl::StrFormat("%04d-%02d", month.year, month.month));
      score->set_mean(month.sum / static_cast<double>(month.count));
      score->set_measurements(month.count);
    }
  }
  report.set_overall_score(measured == 0 ? 0 : sum / measured);
  if (!request.include_upstream()) return report;

  // The weakest visible upstream source per reported dimension.
  storage::TraversalOptions upstream{api::DatasetName(*id), false, true, options_.upstream_depth,
                                     static_cast<size_t>(options_.upstream_budget)};
  const storage::Traversal t = store_->graph().Traverse(upstream);
  for (size_t i = 1; i < t.nodes.size(); ++i) {
    const storage::Traversal::Node& node = t.nodes[i];
    if (node.info.party || !visibility.Sees(node.info)) continue;
    for (v1::DimensionQuality& q : *report.mutable_dimensions()) {
      absl::StatusOr<std::optional<Measurement>> latest =
          store_->LatestMeasurement(api::IdOf(node.name), q.dimension());
      if (!latest.ok()) return latest.status();
      if (!latest->has_value()) continue;
      const double score = (*latest)->score();
      if (q.weakest_upstream().empty() || score < q.weakest_upstream_score()) {
        q.set_weakest_upstream(node.name);
        q.set_weakest_upstream_score(score);
      }
    }
  }
  return report;
}

}  // namespace catalog::server
