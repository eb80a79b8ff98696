// The demo generator's random numbers: deterministic for a seed and an
// index on every platform.
#ifndef CATALOG_CLIENT_DEMO_RNG_H_
#define CATALOG_CLIENT_DEMO_RNG_H_

#include <cstddef>
#include <cstdint>

namespace catalog::demo {

// splitmix64: a small, well-mixed generator whose output is fixed by
// definition (std:: distributions are implementation-defined).
class Rng {
 public:
  Rng(uint64_t seed, int64_t index)
      : state_(seed * 0x9E3779B97F4A7C15ull ^ (static_cast<uint64_t>(index) + 0x632BE59BD9B4E019ull)) {
    Next();
  }
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); the modulo bias is irrelevant for n << 2^64.
  uint64_t Below(uint64_t n) { return Next() % n; }
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  bool Percent(int p) { return Below(100) < static_cast<uint64_t>(p); }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) { return items[Below(N)]; }

 private:
  uint64_t state_;
};

}  // namespace catalog::demo

#endif  // CATALOG_CLIENT_DEMO_RNG_H_
