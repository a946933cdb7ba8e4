// The server's pieces without sockets: token cache, resize stream decoder,
// the error-stream status, the resize queue.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <thread>

#include "core/Error.h"
#include "cri/streaming/RemoteCommandStatus.h"
#include "cri/streaming/RequestCache.h"
#include "cri/streaming/TerminalSizeDecoder.h"

using namespace crix::streaming;

TEST_CASE("RequestCache: tokens are random, URL-safe and work once") {
  RequestCache cache;
  std::set<std::string> tokens;
  for (int i = 0; i < 100; ++i) {
    const std::string token = cache.insert(ExecRequest{"c" + std::to_string(i), {"ls"}});
    CHECK(token.size() == 22);
    CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    tokens.insert(token);
  }
  CHECK(tokens.size() == 100);
  const std::string token = *tokens.begin();
  const auto first = cache.consume(token);
  REQUIRE(first.has_value());
  CHECK(std::holds_alternative<ExecRequest>(*first));
  CHECK_FALSE(cache.consume(token).has_value());
  CHECK_FALSE(cache.consume("no-such-token").has_value());
  CHECK(cache.size() == 99);
}

TEST_CASE("RequestCache: entries expire after the TTL and the in-flight bound holds") {
  auto now = std::chrono::steady_clock::now();
  RequestCache cache({std::chrono::seconds(60), 3}, [&] { return now; });
  const std::string a = cache.insert(AttachRequest{"a"});
  cache.insert(AttachRequest{"b"});
  cache.insert(PortForwardRequest{"p", {80}});
  try {
    cache.insert(AttachRequest{"d"});
    FAIL("a fourth request was accepted");
  } catch (const crix::Error& e) {
    CHECK(e.code() == crix::StatusCode::ResourceExhausted);
  }
  now += std::chrono::seconds(61);
  CHECK_FALSE(cache.consume(a).has_value());
  // Expired entries make room again.
  CHECK_NOTHROW(cache.insert(AttachRequest{"e"}));
  CHECK(cache.size() == 1);
}

TEST_CASE("RequestCache: concurrent inserts and consumes") {
  RequestCache cache({std::chrono::seconds(60), 100000});
  std::vector<std::thread> threads;
  std::atomic<int> consumed{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i)
        if (cache.consume(cache.insert(ExecRequest{})).has_value()) ++consumed;
    });
  for (auto& t : threads) t.join();
  CHECK(consumed == 2000);
  CHECK(cache.size() == 0);
}

TEST_CASE("TerminalSizeDecoder: objects split and joined across chunks") {
  TerminalSizeDecoder decoder;
  auto sizes = decoder.feed(R"({"Width":80,"Height":24}{"Width":100,)");
  REQUIRE(sizes.size() == 1);
  CHECK(sizes[0] == TerminalSize{80, 24});
  sizes = decoder.feed(" \"Height\":40}\n {\"width\":1,\"height\":2}");
  REQUIRE(sizes.size() == 2);
  CHECK(sizes[0] == TerminalSize{100, 40});
  CHECK(sizes[1] == TerminalSize{1, 2});
  CHECK_FALSE(decoder.failed());
}

TEST_CASE("TerminalSizeDecoder: a bad value ends the stream, as kubelet's decoder does") {
  TerminalSizeDecoder decoder;
  CHECK(decoder.feed(R"({"Width":70000,"Height":1})").empty());
  CHECK(decoder.failed());
  CHECK(decoder.feed(R"({"Width":1,"Height":1})").empty());

  TerminalSizeDecoder garbage;
  CHECK(garbage.feed("not json").empty());
  CHECK(garbage.failed());

  TerminalSizeDecoder huge;
  CHECK(huge.feed("{\"Width\":\"" + std::string(5000, 'x')).empty());
  CHECK(huge.failed());
}

TEST_CASE("remote command status: kubelet's JSON and text") {
  CHECK(remoteCommandStatus(RemoteCommandKind::Exec, {0, ""}).json == R"({"metadata":{},"status":"Success"})");
  const auto exit3 = remoteCommandStatus(RemoteCommandKind::Exec, {3, ""});
  CHECK(exit3.json ==
        R"({"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 3",)"
        R"("reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}})");
  const auto failed = remoteCommandStatus(RemoteCommandKind::Attach, {0, "container not running"});
  const auto json = nlohmann::json::parse(failed.json);
  CHECK(json["status"] == "Failure");
  CHECK(json["reason"] == "InternalError");
  CHECK(json["code"] == 500);
  CHECK(json["message"] == "Internal error occurred: error attaching to container: container not running");

  CHECK_FALSE(errorStreamPayload(RemoteCommandKind::Exec, {0, ""}, false).has_value());
  CHECK(errorStreamPayload(RemoteCommandKind::Exec, {2, ""}, false) ==
        "command terminated with non-zero exit code: exit status 2");
  // Attach has no exit code to report.
  CHECK(remoteCommandStatus(RemoteCommandKind::Attach, {5, ""}).success);
}

TEST_CASE("ResizeQueue: order, bound, close") {
  ResizeQueue queue;
  for (uint16_t i = 0; i < ResizeQueue::kMaxQueued + 10; ++i) queue.push({i, i});
  // The oldest were dropped.
  CHECK(queue.next(std::chrono::milliseconds(0))->width == 10);
  CHECK_FALSE(ResizeQueue().next(std::chrono::milliseconds(10)).has_value());
  queue.close();
  CHECK(queue.closed());
  int left = 0;
  while (queue.next(std::chrono::milliseconds(0))) ++left;
  CHECK(left == ResizeQueue::kMaxQueued - 1);
  queue.push({1, 1});
  CHECK_FALSE(queue.next(std::chrono::milliseconds(0)).has_value());
}
