// RuntimeState: name reservations, ID prefixes, write-through records and
// what a restart reads back.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "core/Error.h"
#include "cri/state/RuntimeState.h"
#include "tests/support/ErrorOf.h"
#include "tests/support/TempDir.h"

namespace crix::cri {
namespace {

PodRecord makePod(const std::string& id, const std::string& name, bool complete = true) {
  PodRecord pod;
  pod.id = id;
  auto* m = pod.config.mutable_metadata();
  m->set_name(name);
  m->set_namespace_("default");
  m->set_uid("uid-" + name);
  m->set_attempt(0);
  (*pod.config.mutable_labels())["app"] = name;
  pod.state = PodState::Ready;
  pod.complete = complete;
  pod.createdAtNanos = 42;
  pod.netnsPath = "/run/crix/ns/netns/" + id;
  return pod;
}

ContainerRecord makeContainer(const std::string& id, const std::string& podId, const std::string& name) {
  ContainerRecord ctr;
  ctr.id = id;
  ctr.podId = podId;
  ctr.config.mutable_metadata()->set_name(name);
  ctr.config.mutable_image()->set_image("busybox");
  ctr.config.add_command("/bin/sh");
  ctr.complete = true;
  ctr.state = ContainerState::Running;
  ctr.pid = 1234;
  return ctr;
}

}  // namespace

TEST_SUITE("cri state") {
  TEST_CASE("a second pod with the same name is refused, naming the holder") {
    test::TempDir dir;
    RuntimeState state{StateLayout(dir.path())};
    state.addPod(makePod("aaaa1111", "web"));
    const auto err = test::errorOf([&] { state.addPod(makePod("bbbb2222", "web")); });
    CHECK(err.code() == StatusCode::AlreadyExists);
    CHECK(std::string(err.what()).find("aaaa1111") != std::string::npos);
    CHECK(std::string(err.what()).find("k8s_web_default_uid-web_0") != std::string::npos);
    // A new attempt is a new name.
    auto retry = makePod("cccc3333", "web");
    retry.config.mutable_metadata()->set_attempt(1);
    CHECK_NOTHROW(state.addPod(retry));
  }

  TEST_CASE("forgetting a pod frees its name and removes its record") {
    test::TempDir dir;
    RuntimeState state{StateLayout(dir.path())};
    state.addPod(makePod("aaaa1111", "web"));
    state.forgetPod("aaaa1111");
    CHECK_FALSE(std::filesystem::exists(state.layout().podRecord("aaaa1111")));
    CHECK_FALSE(state.pod("aaaa1111"));
    CHECK_NOTHROW(state.addPod(makePod("bbbb2222", "web")));
  }

  TEST_CASE("IDs are found by unique prefix; an ambiguous prefix is an error") {
    test::TempDir dir;
    RuntimeState state{StateLayout(dir.path())};
    state.addPod(makePod("abc111", "one"));
    state.addPod(makePod("abc222", "two"));
    CHECK(state.pod("abc1")->id == "abc111");
    CHECK(state.pod("abc222")->id == "abc222");
    CHECK_FALSE(state.pod("zzz"));
    CHECK_FALSE(state.pod(""));
    CHECK(test::codeOf([&] { state.pod("abc"); }) == StatusCode::InvalidArgument);
  }

  TEST_CASE("incomplete records hold their name but are not listed or found") {
    test::TempDir dir;
    RuntimeState state{StateLayout(dir.path())};
    state.addPod(makePod("aaaa1111", "web", false));
    CHECK(state.pods().empty());
    CHECK_FALSE(state.pod("aaaa1111"));
    CHECK(state.pod("aaaa1111", true));
    CHECK(test::codeOf([&] { state.addPod(makePod("bbbb2222", "web")); }) == StatusCode::AlreadyExists);
  }

  TEST_CASE("container names are unique per pod name, attempt and container name") {
    test::TempDir dir;
    RuntimeState state{StateLayout(dir.path())};
    const auto pod = makePod("pod1", "web");
    state.addPod(pod);
    state.addContainer(makeContainer("ctr1", "pod1", "nginx"), pod);
    const auto err = test::errorOf([&] { state.addContainer(makeContainer("ctr2", "pod1", "nginx"), pod); });
    CHECK(err.code() == StatusCode::AlreadyExists);
    CHECK(std::string(err.what()).find("ctr1") != std::string::npos);
    CHECK_NOTHROW(state.addContainer(makeContainer("ctr3", "pod1", "sidecar"), pod));
    CHECK(state.containersOfPod("pod1").size() == 2);
    state.forgetContainer("ctr1");
    CHECK_NOTHROW(state.addContainer(makeContainer("ctr4", "pod1", "nginx"), pod));
  }

  TEST_CASE("records read back after a restart are the ones written, configs included") {
    test::TempDir dir;
    {
      RuntimeState state{StateLayout(dir.path())};
      const auto pod = makePod("pod1", "web");
      state.addPod(pod);
      auto ctr = makeContainer("ctr1", "pod1", "nginx");
      state.addContainer(ctr, pod);
      ctr.state = ContainerState::Exited;
      ctr.exitCode = 3;
      ctr.reason = "Error";
      state.saveContainer(ctr);
      state.addPod(makePod("pod2", "half", false));
    }
    RuntimeState state{StateLayout(dir.path())};
    std::vector<std::string> damaged;
    const auto pods = state.readPodRecords(&damaged);
    CHECK(damaged.empty());
    REQUIRE(pods.size() == 2);
    for (const auto& pod : pods) {
      if (pod.id == "pod1") {
        CHECK(pod.complete);
        CHECK(pod.config.metadata().name() == "web");
        CHECK(pod.config.labels().at("app") == "web");
        CHECK(pod.netnsPath == "/run/crix/ns/netns/pod1");
        CHECK(pod.createdAtNanos == 42);
      } else {
        CHECK_FALSE(pod.complete);
      }
    }
    const auto ctrs = state.readContainerRecords(&damaged);
    REQUIRE(ctrs.size() == 1);
    CHECK(ctrs[0].state == ContainerState::Exited);
    CHECK(ctrs[0].exitCode == 3);
    CHECK(ctrs[0].config.command(0) == "/bin/sh");
  }

  TEST_CASE("a damaged record is reported, not fatal") {
    test::TempDir dir;
    RuntimeState state{StateLayout(dir.path())};
    state.addPod(makePod("pod1", "web"));
    std::filesystem::create_directories(state.layout().podDir("broken"));
    std::ofstream(state.layout().podRecord("broken")) << "{not json";
    std::vector<std::string> damaged;
    CHECK(state.readPodRecords(&damaged).size() == 1);
    REQUIRE(damaged.size() == 1);
    CHECK(damaged[0] == "broken");
  }

  // tryContainerLock from another thread tells whether two lock calls share
  // one mutex.
  TEST_CASE("a container's lock is its own from adding to forgetting, and a gone ID keeps none") {
    test::TempDir dir;
    RuntimeState state{StateLayout(dir.path())};
    const auto pod = makePod("pod1", "web");
    state.addPod(pod);
    const auto heldElsewhere = [&](const std::string& id) {
      bool owned = false;
      std::thread([&] { owned = state.tryContainerLock(id).owns_lock(); }).join();
      return !owned;
    };
    state.addContainer(makeContainer("ctr1", "pod1", "nginx"), pod);
    CHECK_FALSE(heldElsewhere("ctr1"));
    {
      auto held = state.containerLock("ctr1");
      CHECK(heldElsewhere("ctr1"));
    }
    CHECK_FALSE(heldElsewhere("ctr1"));
    state.forgetContainer("ctr1");
    {
      // Forgotten: a late caller's lock is a lone one (it finds no record
      // under it), so nothing is kept for the ID.
      auto late = state.containerLock("ctr1");
      CHECK_FALSE(heldElsewhere("ctr1"));
    }
  }

  // A claim made from another thread. Whoever blocks it must release before
  // the attempt goes out of scope: the destructor joins the thread.
  class ClaimAttempt {
   public:
    explicit ClaimAttempt(std::function<ActivityClaim()> take)
        : thread_([this, take = std::move(take)] {
            claim_ = take();
            granted_ = true;
          }) {}
    ~ClaimAttempt() { join(); }
    bool grantedWithin(std::chrono::milliseconds wait) const {
      const auto deadline = std::chrono::steady_clock::now() + wait;
      while (!granted_ && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return granted_;
    }
    void join() {
      if (thread_.joinable()) thread_.join();
    }
    bool granted() const { return granted_; }
    void release() { claim_.release(); }

   private:
    ActivityClaim claim_;
    std::atomic<bool> granted_{false};
    std::thread thread_;  // last: starts once the members above exist
  };

  TEST_CASE("creating, starting and removing exclude each other; stops share, wait for a start, and show") {
    test::TempDir dir;
    RuntimeState state{StateLayout(dir.path())};
    using namespace std::chrono_literals;
    CHECK(state.containerActivity("c") == Activity::Idle);

    SUBCASE("a remove waits for the create, with no lock held meanwhile") {
      auto creating = state.claimContainer("c", Activity::Creating);
      CHECK(state.containerActivity("c") == Activity::Creating);
      CHECK(state.tryContainerLock("c").owns_lock());
      ClaimAttempt removing([&] { return state.claimContainer("c", Activity::Removing); });
      CHECK_FALSE(removing.grantedWithin(100ms));
      creating.release();
      removing.join();
      CHECK(removing.granted());
      CHECK(state.containerActivity("c") == Activity::Removing);
      removing.release();
      CHECK(state.containerActivity("c") == Activity::Idle);
    }
    SUBCASE("a stop waits for a start in flight") {
      auto starting = state.claimContainer("c", Activity::Starting);
      ClaimAttempt stopping([&] { return state.claimContainer("c", Activity::Stopping); });
      CHECK_FALSE(stopping.grantedWithin(100ms));
      starting.release();
      stopping.join();
      CHECK(state.containerActivity("c") == Activity::Stopping);
    }
    SUBCASE("stops run beside each other and beside a remove, which shows over them") {
      auto first = state.claimContainer("c", Activity::Stopping);
      auto second = state.claimContainer("c", Activity::Stopping);
      CHECK(state.containerActivity("c") == Activity::Stopping);
      {
        auto removing = state.claimContainer("c", Activity::Removing);
        CHECK(state.containerActivity("c") == Activity::Removing);
        // The remove's own stop.
        auto forced = state.claimContainer("c", Activity::Stopping);
      }
      first.release();
      CHECK(state.containerActivity("c") == Activity::Stopping);
      second.release();
      CHECK(state.containerActivity("c") == Activity::Idle);
    }
    SUBCASE("awaitContainer returns when the create ends, not before") {
      auto creating = state.claimContainer("c", Activity::Creating);
      std::atomic<bool> done{false};
      std::thread waiter([&] {
        state.awaitContainer("c");
        done = true;
      });
      std::this_thread::sleep_for(100ms);
      CHECK_FALSE(done.load());
      creating = ActivityClaim();  // moved-from claims release too
      waiter.join();
      CHECK(done.load());
    }
    SUBCASE("a pod's stop and remove exclude each other") {
      auto stopping = state.claimPod("p", Activity::Stopping);
      ClaimAttempt removing([&] { return state.claimPod("p", Activity::Removing); });
      CHECK_FALSE(removing.grantedWithin(100ms));
      CHECK(state.podActivity("p") == Activity::Stopping);
      stopping.release();
      removing.join();
      CHECK(removing.granted());
      CHECK(state.podActivity("p") == Activity::Removing);
      removing.release();
      CHECK(state.podActivity("p") == Activity::Idle);
    }
  }
}

}  // namespace crix::cri
