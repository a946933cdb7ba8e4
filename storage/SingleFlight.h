// Runs a piece of work at most once per key at a time: callers that ask for a
// key already in flight wait for that run and share its success. Two pulls of
// images that share a layer download the layer once.
//
// A failure is not shared. The leader's work carries the leader's own
// circumstances (its credentials, its client that may have gone away), so a
// waiter whose leader failed runs the work again with its own: it leads a new
// flight, or joins one that another waiter started meanwhile. Only the work a
// caller ran itself can fail it.
#pragma once

#include <functional>
#include <future>
#include <map>
#include <mutex>

namespace crix::storage {

template <class Key, class Value>
class SingleFlight {
 public:
  Value run(const Key& key, const std::function<Value()>& work) {
    // Each join waits for a whole flight, so a caller that keeps meeting
    // failing leaders stops joining and runs its work alone.
    for (int joined = 0;; ++joined) {
      std::shared_future<Value> future;
      std::promise<Value> promise;
      bool leader = false;
      {
        std::lock_guard lock(mutex_);
        auto it = inFlight_.find(key);
        if (it == inFlight_.end()) {
          future = promise.get_future().share();
          inFlight_.emplace(key, future);
          leader = true;
        } else if (joined < kMaxJoins) {
          future = it->second;
        }
      }
      if (leader) return lead(key, promise, work);
      if (!future.valid()) return work();
      try {
        return future.get();
      } catch (...) {
        // The leader's failure: try again with this caller's own work.
      }
    }
  }

 private:
  static constexpr int kMaxJoins = 3;

  Value lead(const Key& key, std::promise<Value>& promise, const std::function<Value()>& work) {
    struct Landing {
      SingleFlight& flight;
      const Key& key;
      ~Landing() {
        std::lock_guard lock(flight.mutex_);
        flight.inFlight_.erase(key);
      }
    } landing{*this, key};
    try {
      Value value = work();
      promise.set_value(value);
      return value;
    } catch (...) {
      promise.set_exception(std::current_exception());
      throw;
    }
  }

  std::mutex mutex_;
  std::map<Key, std::shared_future<Value>> inFlight_;
};

}  // namespace crix::storage
