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
#include <vector>

#include "catalog/v1/dataset.pb.h"
#include "catalog/v1/lineage.pb.h"

namespace catalog::demo {

struct LandscapeOptions {
  // Number of datasets in the landscape (>= 1).
  int64_t datasets = 200;
  // Seed; the same seed gives the same landscape.
  uint64_t seed = 1;
};

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

 private:
  LandscapeOptions options_;
};

}  // namespace catalog::demo

#endif  // CATALOG_CLIENT_DEMO_LANDSCAPE_GENERATOR_H_
