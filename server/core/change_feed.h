// ChangeFeed: the logic of WatchChanges. Reads the change log at the
// consumer's pace (at most read_batch entries per step), turns entries into
// the changes a caller may see (the one visibility rule, Visibility::
// SeesResourceAt) with their state, and wakes streams that have caught up
// when a new revision is committed.
//
// Waiting: one feed thread waits on the store's revision notifier
// (CatalogStore::WaitForRevisionAfter) and, after each new revision or a
// one-second tick, calls every parked stream's wake-up once. A wake-up must
// not block (the service's hands the step to the blocking executor). The
// writers only publish a revision (an atomic store and a notify): they never
// wait for this thread or for a stream, so a stalled consumer, which is
// simply never parked again while its write is pending, holds nothing but
// its own cursor and one response.
//
// Retention: Prune() removes change-log entries older than the retention;
// it runs when the feed thread starts (at server start-up) and then every
// prune_interval.
//
// Thread-safe.
#ifndef CATALOG_SERVER_CORE_CHANGE_FEED_H_
#define CATALOG_SERVER_CORE_CHANGE_FEED_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "catalog/v1/change_feed_service.pb.h"
#include "server/core/caller.h"
#include "server/core/lineage_catalog.h"
#include "server/core/processing_register.h"
#include "server/core/terugmelding_catalog.h"
#include "storage/catalog_store.h"

namespace catalog::server {

struct ChangeFeedOptions {
  // Change-log entries older than this are pruned (change_log_retention_days).
  absl::Duration retention = absl::Hours(24 * 90);
  // How often pruning runs after the one at start-up.
  absl::Duration prune_interval = absl::Hours(1);
  // An idle stream sends a heartbeat at least this often.
  absl::Duration heartbeat_interval = absl::Seconds(10);
  // Change-log entries read per step of a stream, and the size at which a
  // response is sent early (states can be large; clients accept 4 MiB).
  size_t read_batch = 256;
  size_t response_bytes = 1 << 20;
  // A stream whose client has not taken one response for this long is
  // ended (the client resumes from its last caught_up_revision + 1).
  absl::Duration stall_timeout = absl::Minutes(1);
};

class ChangeFeed {
 public:
  // The catalogs present the state of edges, parties, terugmeldingen and
  // activities as their Get calls do. All must outlive the feed.
  ChangeFeed(storage::CatalogStore* store, const LineageCatalog* lineage,
             const TerugmeldingCatalog* terugmeldingen, const ProcessingRegister* register_,
             ChangeFeedOptions options);
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;
  ~ChangeFeed();

  // Prunes once, then starts the feed thread (wake-ups, periodic pruning).
  void Start();
  // Wakes every parked stream a last time (they end with UNAVAILABLE) and
  // stops the thread. Idempotent.
  void Stop();
  bool stopping() const;

  // Removes the entries older than the retention now (and logs it).
  // Returns the oldest retained revision.
  absl::StatusOr<uint64_t> Prune();

  // The first revision a new watch reads: INVALID_ARGUMENT for a negative
  // from_revision, one beyond the latest revision + 1 or an unknown kind;
  // OUT_OF_RANGE below the oldest retained revision.
  absl::StatusOr<uint64_t> FirstRevision(const catalog::v1::WatchChangesRequest& request) const;

  struct Step {
    // The visible changes read, and caught_up_revision.
    catalog::v1::WatchChangesResponse response;
    // Whether the read reached the end of the change log.
    bool caught_up = false;
  };
  // Reads from `*cursor` (advanced past what was read): OUT_OF_RANGE when
  // the cursor was pruned meanwhile.
  absl::StatusOr<Step> Read(const catalog::v1::WatchChangesRequest& request,
                            const Caller& caller, uint64_t* cursor) const;

  enum class Parking { kParked, kReady, kStopping };
  // Registers a stream caught up to `cursor` (the next revision it reads):
  // kReady (and no call) when that revision is committed already, so the
  // stream reads on at once; kStopping when the feed stops; otherwise
  // kParked: `wake` is called once, on the feed thread, after the next
  // revision is committed or within about a second.
  Parking Park(uint64_t cursor, std::function<void()> wake);
  // Calls `tick` about once a second on the feed thread until it returns
  // false (the streams' stall watchdogs). Must not block.
  void Tick(std::function<bool()> tick);

  const ChangeFeedOptions& options() const { return options_; }

 private:
  void Run();
  void RunTicks();
  // Fills `change` from `entry`; false when the caller may not see it or
  // the filters leave it out.
  bool Present(const storage::ChangeLogEntry& entry,
               const catalog::v1::WatchChangesRequest& request, const Caller& caller,
               catalog::v1::Change* change) const;
  void AddState(const storage::ChangeLogEntry& entry, const Caller& caller,
                catalog::v1::Change* change) const;

  storage::CatalogStore* store_;
  const LineageCatalog* lineage_;
  const TerugmeldingCatalog* terugmeldingen_;
  const ProcessingRegister* register_;
  const ChangeFeedOptions options_;

  mutable std::mutex mutex_;
  std::vector<std::function<void()>> parked_;  // Guarded by mutex_.
  std::vector<std::function<bool()>> ticks_;   // Guarded by mutex_.
  bool stopping_ = false;                      // Guarded by mutex_.
  std::thread thread_;
  absl::Time next_tick_ = absl::InfinitePast();  // Feed thread only.
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_CORE_CHANGE_FEED_H_
