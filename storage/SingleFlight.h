// Runs a piece of work at most once per key at a time: callers that ask for a
// key already in flight wait for that run and share its result (or its
// error). Two pulls of images that share a layer download the layer once.
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
      } else {
        future = it->second;
      }
    }
    if (leader) {
      try {
        promise.set_value(work());
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
      std::lock_guard lock(mutex_);
      inFlight_.erase(key);
    }
    return future.get();
  }

 private:
  std::mutex mutex_;
  std::map<Key, std::shared_future<Value>> inFlight_;
};

}  // namespace crix::storage
