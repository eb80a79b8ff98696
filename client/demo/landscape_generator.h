// Deterministic generator of a realistic municipal data landscape, for the
// demo (`catalogctl demo generate|load`), tests and benchmarks.
//
// Dataset(i) depends only on (seed, i), never on earlier calls, so any size
// can be generated in a stream, in parallel, or in pieces, and the same
// (seed, i) always yields the same dataset. The first datasets are the
// basisregistraties (BRP, BAG, BGT, WOZ, HR, BRK, ...) with fixed, readable
// ids; the rest are kernregistraties, sector registrations, reports and
// extracts, and external data, on premises, in government and public cloud
// and at SaaS suppliers. Every generated dataset passes the server's
// validation.
//
// Lineage: Edges(i) are the edges into dataset i and its deliveries to
// external parties (Parties()). The basisregistraties are the roots;
// kernregistraties take their data, sector registrations build on both,
// and datawarehouses, reports and extracts on those, so that chains reach a
// depth of about 12. Like datasets, Edges(i) depends only on (seed, i).
//
// Thread-safe: const methods only.
#ifndef CATALOG_CLIENT_DEMO_LANDSCAPE_GENERATOR_H_
#define CATALOG_CLIENT_DEMO_LANDSCAPE_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "catalog/v1/dataset.pb.h"
#include "catalog/v1/lineage.pb.h"
#include "catalog/v1/processing_service.pb.h"
#include "catalog/v1/quality.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace catalog::demo {

struct LandscapeOptions {
  // Number of datasets in the landscape (>= 1).
  int64_t datasets = 200;
  // Seed; the same seed gives the same landscape.
  uint64_t seed = 1;
};

// `count` distinct BSNs from the test range 999900000-999999999 that pass
// the elfproef, in ascending order (the same for every call).
std::vector<std::string> DemoBsns(size_t count);

class LandscapeGenerator {
 public:
  explicit LandscapeGenerator(LandscapeOptions options);

  // Number of datasets in the landscape.
  int64_t size() const { return options_.datasets; }

  // The i-th dataset, 0 <= i < size(). Bookkeeping fields (times, revision,
  // etag) are left empty.
  catalog::v1::Dataset Dataset(int64_t i) const;

  // The external parties that datasets are delivered to (Belastingdienst,
  // CBS, UWV, RvIG, chain partners, suppliers): a fixed list of about a
  // dozen, the same for every seed and size.
  std::vector<catalog::v1::ExternalParty> Parties() const;

  // A register of processing activities (BRP bijhouding, WOZ-beschikking,
  // Wmo-aanvraag, parkeervergunning, belastingaanslag, ...), the same for
  // every seed, using the basisregistraties of the landscape (those beyond
  // size() left out) and parties of Parties() as recipients.
  std::vector<catalog::v1::ProcessingActivity> ProcessingActivities() const;

  // The register's activities are in force since this time (backdated, as
  // an existing register entered here), so that the generated log below
  // resolves to them.
  static absl::Time RegisterInForceSince();

  // A processing log for the active activities of ProcessingActivities():
  // `operations` spans over the `days` days before `now`, as the
  // applications of the municipality export them over OTLP (one
  // ExportTraceServiceRequest per application and batch of at most 512
  // spans). Data subjects are test BSNs that pass the elfproef (DemoBsns);
  // a processing (trace) has one to three operations. Depends only on
  // (seed, operations, days, now).
  std::vector<opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest>
  ProcessingLog(int64_t operations, int days, absl::Time now) const;

  // The lineage edges whose target is dataset i (0 <= i < size()), then the
  // deliveries of dataset i to parties of Parties(). Sources are
  // "datasets/{id}" of datasets with an index below i, so loading datasets
  // and edges in index order never refers to a dataset not loaded yet;
  // targets are "datasets/{id of i}" or "parties/{id}". No (source, target)
  // pair twice; about 3 edges per dataset on average. Every edge passes the
  // server's rules: DELIVERY exactly for parties, purpose and legal basis on
  // every delivery, column mappings only between fields of the two schemas.
  // Sources are mostly classified at or below their target; a few are not
  // (as in real landscapes: findings for ListLineageFindings).
  std::vector<catalog::v1::LineageEdge> Edges(int64_t i) const;
  // The same, for a caller that holds Dataset(i) already (saves generating
  // it again). `dataset` must equal Dataset(i).
  std::vector<catalog::v1::LineageEdge> Edges(int64_t i,
                                              const catalog::v1::Dataset& dataset) const;
  // The measurement history of dataset i, oldest first: one measurement a
  // month (at a deterministic hour) over the last kHistoryMonths months
  // before `now`, on every dimension Dataset(i) has a norm for. Depends
  // only on (seed, i, now). Each dataset follows a course (CourseOf):
  // improving, declining or steady around its norms; a stale dataset
  // stopped being measured 130 to 300 days before `now`. Scores are within
  // 0..100 and no measured_at is after `now`.
  std::vector<catalog::v1::Measurement> Measurements(int64_t i,
                                                     absl::Time now) const;

  enum class Course { kImproving, kDeclining, kSteady, kStale };
  // The course of dataset i's measurements (about 35% improving, 25%
  // declining, 25% steady, 15% stale).
  Course CourseOf(int64_t i) const;

  // The terugmeldingen filed on dataset i, as FileTerugmelding takes them
  // (output-only fields empty): two to four on every basisregistratie, one
  // or two on about one in ten other datasets, none on the rest. Doubted
  // attributes name schema fields of Dataset(i). Depends only on (seed, i).
  std::vector<catalog::v1::Terugmelding> Terugmeldingen(int64_t i) const;

  // The status the k-th terugmelding of dataset i is to end in. Over the
  // basisregistraties every status occurs.
  catalog::v1::TerugmeldingStatus TargetStatus(int64_t i, int64_t k) const;

  // The legal transitions (quality.proto) that take a new report from
  // GEMELD to `target`, in order; empty for GEMELD.
  static std::vector<catalog::v1::TerugmeldingStatus> TransitionPath(
      catalog::v1::TerugmeldingStatus target);

  // Months of measurement history Measurements() covers.
  static constexpr int kHistoryMonths = 24;

 private:
  LandscapeOptions options_;
};

}  // namespace catalog::demo

#endif  // CATALOG_CLIENT_DEMO_LANDSCAPE_GENERATOR_H_
