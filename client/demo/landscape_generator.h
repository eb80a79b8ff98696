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
// validation. Thread-safe: const methods only.
#ifndef CATALOG_CLIENT_DEMO_LANDSCAPE_GENERATOR_H_
#define CATALOG_CLIENT_DEMO_LANDSCAPE_GENERATOR_H_

#include <cstdint>

#include "catalog/v1/dataset.pb.h"

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

 private:
  LandscapeOptions options_;
};

}  // namespace catalog::demo

#endif  // CATALOG_CLIENT_DEMO_LANDSCAPE_GENERATOR_H_
