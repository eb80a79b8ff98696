// A fixed pool of threads for work that blocks (durable writes wait for a
// WAL sync). gRPC's callback threads must not block; handlers hand such work
// to this pool, so many writes can wait on the disk at once and RocksDB
// commits them together (group commit).
//
// Thread-safe. Shutdown() runs the queued work, then joins the threads.
#ifndef CATALOG_SERVER_SERVICE_BLOCKING_EXECUTOR_H_
#define CATALOG_SERVER_SERVICE_BLOCKING_EXECUTOR_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace catalog::server {

class BlockingExecutor {
 public:
  explicit BlockingExecutor(int threads);
  BlockingExecutor(const BlockingExecutor&) = delete;
  BlockingExecutor& operator=(const BlockingExecutor&) = delete;
  ~BlockingExecutor();

  // Queues `work`. After Shutdown() the work runs on the calling thread.
  void Submit(std::function<void()> work);

  // Finishes the queued work and joins the threads. Idempotent.
  void Shutdown();

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;  // Guarded by mutex_.
  bool stopping_ = false;                    // Guarded by mutex_.
  std::vector<std::thread> threads_;
};

}  // namespace catalog::server

#endif  // CATALOG_SERVER_SERVICE_BLOCKING_EXECUTOR_H_
