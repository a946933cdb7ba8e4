// One epoll set and the objects that wait on it. Everything crix-conmon does
// after starting the runtime happens in reaction to one of these events, in
// one thread.
#pragma once

#include <sys/epoll.h>

#include <cstdint>

#include "core/UniqueFd.h"

namespace crix::conmon {

class Watcher {
 public:
  virtual void onReady(uint32_t events) = 0;

 protected:
  ~Watcher() = default;
};

// Routes an fd's events to a member function, so one object can watch
// several fds without a Watcher subclass per fd.
template <class Owner, void (Owner::*Method)(uint32_t)>
class MemberWatcher final : public Watcher {
 public:
  explicit MemberWatcher(Owner* owner) : owner_(owner) {}
  void onReady(uint32_t events) override { (owner_->*Method)(events); }

 private:
  Owner* owner_;
};

class EventLoop {
 public:
  EventLoop();

  // Level-triggered registration; `watcher` must outlive it.
  void add(int fd, uint32_t events, Watcher* watcher);
  void modify(int fd, uint32_t events, Watcher* watcher);
  void remove(int fd);

  // Waits up to `timeoutMs` (-1: forever) and dispatches what is ready. A
  // watcher that goes away while a batch is dispatched must stay allocated
  // until this returns; see AttachServer's sweep.
  void runOnce(int timeoutMs);

 private:
  UniqueFd epoll_;
};

// A one-shot timer in the loop (timerfd), for the few delays crix-conmon has.
class Timer final : public Watcher {
 public:
  Timer(EventLoop& loop, Watcher& target);
  ~Timer();
  void startMs(int64_t milliseconds);
  void stop();
  bool running() const { return running_; }

 private:
  void onReady(uint32_t events) override;

  EventLoop& loop_;
  Watcher& target_;
  UniqueFd fd_;
  bool running_ = false;
};

}  // namespace crix::conmon
