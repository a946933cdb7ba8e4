// Where state changes of containers are announced, for whoever listens: a
// stop waiting for its container to exit, and (next) the events RPC.
// Listeners run on the announcing thread and must return quickly: one that
// needs to do more queues the event (with a bound) and returns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>

namespace crix::cri {

struct ContainerEvent {
  enum class Kind { Exited };
  Kind kind = Kind::Exited;
  std::string containerId;
  std::string podId;
  int exitCode = 0;
  std::string reason;  // "Completed", "Error", "OOMKilled"
  int64_t atNanos = 0;
};

class ContainerEventHub {
 public:
  using Listener = std::function<void(const ContainerEvent&)>;

  // Ends the listening when destroyed.
  class Subscription {
   public:
    Subscription(ContainerEventHub& hub, std::list<Listener>::iterator it) : hub_(&hub), it_(it) {}
    Subscription(Subscription&& other) noexcept : hub_(std::exchange(other.hub_, nullptr)), it_(other.it_) {}
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    Subscription& operator=(Subscription&&) = delete;
    ~Subscription() {
      if (!hub_) return;
      std::lock_guard lock(hub_->mutex_);
      hub_->listeners_.erase(it_);
    }

   private:
    ContainerEventHub* hub_;
    std::list<Listener>::iterator it_;
  };

  Subscription subscribe(Listener listener) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(listener));
    return Subscription(*this, std::prev(listeners_.end()));
  }

  void publish(const ContainerEvent& event) {
    {
      std::lock_guard lock(mutex_);
      ++generation_;
      for (const auto& listener : listeners_) listener(event);
    }
    changed_.notify_all();
  }

  // A counter that publish() moves on; with waitPast, a waiter sleeps until
  // something happened after it last looked (or until `deadline`).
  uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  void waitPast(uint64_t seen, std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return generation_ != seen; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::list<Listener> listeners_;
  uint64_t generation_ = 0;
};

}  // namespace crix::cri
