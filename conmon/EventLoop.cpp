#include "conmon/EventLoop.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "conmon/Failure.h"

namespace crix::conmon {

EventLoop::EventLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) failErrno("epoll_create1");
}

void EventLoop::add(int fd, uint32_t events, Watcher* watcher) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = watcher;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) failErrno("epoll_ctl add");
}

void EventLoop::modify(int fd, uint32_t events, Watcher* watcher) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = watcher;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev) != 0) failErrno("epoll_ctl modify");
}

void EventLoop::remove(int fd) {
  // ENOENT/EBADF: already gone, which is what the caller wants.
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

void EventLoop::runOnce(int timeoutMs) {
  epoll_event events[16];
  const int n = ::epoll_wait(epoll_.get(), events, 16, timeoutMs);
  if (n < 0) {
    if (errno == EINTR) return;
    failErrno("epoll_wait");
  }
  for (int i = 0; i < n; ++i) static_cast<Watcher*>(events[i].data.ptr)->onReady(events[i].events);
}

Timer::Timer(EventLoop& loop, Watcher& target)
    : loop_(loop), target_(target), fd_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
  if (!fd_) failErrno("timerfd_create");
  loop_.add(fd_.get(), EPOLLIN, this);
}

Timer::~Timer() { loop_.remove(fd_.get()); }

void Timer::startMs(int64_t milliseconds) {
  itimerspec spec{};
  if (milliseconds > 0) {
    spec.it_value.tv_sec = milliseconds / 1000;
    spec.it_value.tv_nsec = milliseconds % 1000 * 1000000;
  } else {
    spec.it_value.tv_nsec = 1;  // zero would disarm the timer instead of firing now
  }
  if (::timerfd_settime(fd_.get(), 0, &spec, nullptr) != 0) failErrno("timerfd_settime");
  running_ = true;
}

void Timer::stop() {
  itimerspec spec{};
  ::timerfd_settime(fd_.get(), 0, &spec, nullptr);
  running_ = false;
}

void Timer::onReady(uint32_t events) {
  uint64_t expirations;
  if (::read(fd_.get(), &expirations, sizeof expirations) != sizeof expirations) return;
  running_ = false;
  target_.onReady(events);
}

}  // namespace crix::conmon
