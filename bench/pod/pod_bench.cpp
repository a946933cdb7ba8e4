// Pod start latency through the real daemon with a cached busybox image.
// See bench/pod/README.md for what each figure means.
#include <grpcpp/grpcpp.h>
#include <dirent.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "cri/api/Cri.h"
#include "tests/support/CniTestNetwork.h"
#include "tests/support/DaemonProcess.h"
#include "tests/support/ProcStatus.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestImages.h"

namespace rt = runtime::v1;
using crix::test::DaemonProcess;
using crix::test::deadlineContext;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kImage = "bench.local/busybox:latest";

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Samples {
  std::vector<double> values;
  void add(double v) { values.push_back(v); }
  double pct(double p) const {
    if (values.empty()) return 0;
    auto v = values;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5));
    return v[i];
  }
};

// Thrown, not exit()ed: the daemon and its containers are torn down by
// DaemonProcess's destructor on the way out.
void check(const grpc::Status& status, const char* what) {
  if (!status.ok()) throw std::runtime_error(std::string(what) + " failed: " + status.error_message());
}

long rssKiB(pid_t pid) { return crix::test::procStatusValue(pid, "VmRSS"); }

// crix-conmon processes whose command line names this daemon's runroot.
std::vector<pid_t> monitorsOf(const std::string& runroot) {
  std::vector<pid_t> out;
  DIR* proc = opendir("/proc");
  while (dirent* e = readdir(proc)) {
    const pid_t pid = atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name != "crix-conmon") continue;
    std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline");
    std::string args((std::istreambuf_iterator<char>(cmd)), {});
    // Pause processes (pid-namespace holders) are not container monitors.
    if (args.find(runroot) != std::string::npos && args.find(std::string("pause\0", 6)) == std::string::npos)
      out.push_back(pid);
  }
  closedir(proc);
  return out;
}

rt::PodSandboxConfig podConfig(const std::string& name, const std::string& logDir) {
  rt::PodSandboxConfig pod;
  auto* m = pod.mutable_metadata();
  m->set_name(name);
  m->set_namespace_("bench");
  m->set_uid("uid-" + name);
  pod.set_log_directory(logDir + "/" + name);
  pod.set_hostname(name);
  // As the kubelet runs most pods: each container its own PID namespace
  // (CRI's default, POD, needs a pause process per pod).
  pod.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(rt::CONTAINER);
  return pod;
}

struct PodTimes {
  double run = 0, create = 0, start = 0;
  std::string podId;
};

PodTimes startPod(rt::RuntimeService::Stub& client, const std::string& name, const std::string& logDir) {
  PodTimes t;
  rt::RunPodSandboxRequest runReq;
  *runReq.mutable_config() = podConfig(name, logDir);
  rt::RunPodSandboxResponse runResp;
  auto t0 = Clock::now();
  check(client.RunPodSandbox(deadlineContext(std::chrono::seconds(60)).get(), runReq, &runResp), "RunPodSandbox");
  auto t1 = Clock::now();
  rt::CreateContainerRequest createReq;
  createReq.set_pod_sandbox_id(runResp.pod_sandbox_id());
  *createReq.mutable_sandbox_config() = runReq.config();
  auto* c = createReq.mutable_config();
  c->mutable_metadata()->set_name("sleeper");
  c->mutable_image()->set_image(kImage);
  // The test image has only /bin/busybox and /bin/sh, no applet links.
  c->add_command("/bin/busybox");
  c->add_args("sleep");
  c->add_args("3600");
  c->set_log_path("sleeper.log");
  rt::CreateContainerResponse createResp;
  check(client.CreateContainer(deadlineContext(std::chrono::seconds(60)).get(), createReq, &createResp),
        "CreateContainer");
  auto t2 = Clock::now();
  rt::StartContainerRequest startReq;
  startReq.set_container_id(createResp.container_id());
  rt::StartContainerResponse startResp;
  check(client.StartContainer(deadlineContext(std::chrono::seconds(60)).get(), startReq, &startResp),
        "StartContainer");
  auto t3 = Clock::now();
  t.run = ms(t1 - t0);
  t.create = ms(t2 - t1);
  t.start = ms(t3 - t2);
  t.podId = runResp.pod_sandbox_id();
  return t;
}

void removePod(rt::RuntimeService::Stub& client, const std::string& id) {
  rt::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(id);
  rt::StopPodSandboxResponse stopResp;
  check(client.StopPodSandbox(deadlineContext(std::chrono::seconds(60)).get(), stop, &stopResp), "StopPodSandbox");
  rt::RemovePodSandboxRequest rm;
  rm.set_pod_sandbox_id(id);
  rt::RemovePodSandboxResponse rmResp;
  check(client.RemovePodSandbox(deadlineContext(std::chrono::seconds(60)).get(), rm, &rmResp), "RemovePodSandbox");
}

void printPhases(const char* title, const std::vector<PodTimes>& times) {
  Samples run, create, start, total;
  for (const auto& t : times) {
    run.add(t.run);
    create.add(t.create);
    start.add(t.start);
    total.add(t.run + t.create + t.start);
  }
  std::printf("%s (%zu pods)\n", title, times.size());
  std::printf("  %-16s %8s %8s %8s\n", "phase", "p50 ms", "p95 ms", "max ms");
  auto row = [](const char* name, const Samples& s) {
    std::printf("  %-16s %8.1f %8.1f %8.1f\n", name, s.pct(50), s.pct(95), s.pct(100));
  };
  row("RunPodSandbox", run);
  row("CreateContainer", create);
  row("StartContainer", start);
  row("total", total);
}

}  // namespace

int run(int argc, char** argv);

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "crix-bench-pod: " << e.what() << "\n";
    return 1;
  }
}

int run(int argc, char** argv) {
  int sequential = 50, parallel = 10, lifecycles = 50;
  std::string network = "loopback";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--pods") sequential = value;
    else if (flag == "--parallel") parallel = value;
    else if (flag == "--lifecycles") lifecycles = value;
    else if (flag == "--network" && (std::string(argv[i + 1]) == "loopback" || std::string(argv[i + 1]) == "bridge"))
      network = argv[i + 1];
    else {
      std::cerr << "usage: crix-bench-pod [--pods N] [--parallel N] [--lifecycles N] [--network loopback|bridge]\n";
      return 2;
    }
  }

  crix::test::TempDir work("crix-bench-pod");
  crix::test::buildImage(crix::test::busyboxRecipe(), work / "layout");
  if (crix::test::runProcess({"/bin/tar", "-C", work / "layout", "-cf", work / "image.tar", "."}).exitCode != 0) {
    std::cerr << "tar of the image layout failed\n";
    return 1;
  }

  DaemonProcess daemon;
  // loopback: the test daemon's lo-only CNI network; bridge: crix's
  // contrib/cni conflist on a bridge of the bench's own (CNI ADD and DEL
  // of bridge, host-local, portmap and bandwidth in every pod's start/stop).
  std::unique_ptr<crix::test::CniTestNetwork> bridge;
  if (network == "bridge") bridge = std::make_unique<crix::test::CniTestNetwork>(daemon.networkDir());
  std::printf("pod network: %s\n", network.c_str());
  daemon.start();
  {
    auto transfer = crix::v1::ImageTransfer::NewStub(
        grpc::CreateChannel(daemon.endpoint(), grpc::InsecureChannelCredentials()));
    crix::v1::LoadImageRequest req;
    req.set_path(work / "image.tar");
    req.set_name(kImage);
    crix::v1::LoadImageResponse resp;
    check(transfer->LoadImage(deadlineContext(std::chrono::seconds(120)).get(), req, &resp), "LoadImage");
  }
  auto client = daemon.runtimeClient();
  const std::string logDir = work / "logs";

  // Warm-up: the first pod pays for page faults in the daemon and runc.
  removePod(*client, startPod(*client, "warmup", logDir).podId);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const long idleRss = rssKiB(daemon.pid());

  std::vector<PodTimes> seq;
  for (int i = 0; i < sequential; ++i) seq.push_back(startPod(*client, "seq-" + std::to_string(i), logDir));
  printPhases("pod + container start, one after another", seq);

  std::this_thread::sleep_for(std::chrono::seconds(1));
  const long busyRss = rssKiB(daemon.pid());
  const auto monitors = monitorsOf(daemon.runrootDir());
  Samples monitorRss;
  for (pid_t pid : monitors) monitorRss.add(rssKiB(pid));

  auto t0 = Clock::now();
  for (const auto& t : seq) removePod(*client, t.podId);
  std::printf("  stop+remove of %zu pods with a running container: %.0f ms (%.1f ms each)\n", seq.size(),
              ms(Clock::now() - t0), ms(Clock::now() - t0) / std::max<size_t>(1, seq.size()));

  std::vector<PodTimes> par(parallel);
  std::vector<std::thread> threads;
  t0 = Clock::now();
  for (int i = 0; i < parallel; ++i)
    threads.emplace_back([&, i] {
      auto own = daemon.runtimeClient();
      par[i] = startPod(*own, "par-" + std::to_string(i), logDir);
    });
  for (auto& t : threads) t.join();
  const double parWall = ms(Clock::now() - t0);
  printPhases("pod + container start, all at once", par);
  std::printf("  wall time for all %d: %.0f ms\n", parallel, parWall);
  for (const auto& t : par) removePod(*client, t.podId);

  Samples runS, statusS, stopS, removeS, cycle;
  for (int i = 0; i < lifecycles; ++i) {
    rt::RunPodSandboxRequest runReq;
    *runReq.mutable_config() = podConfig("life-" + std::to_string(i), logDir);
    rt::RunPodSandboxResponse runResp;
    auto a = Clock::now();
    check(client->RunPodSandbox(deadlineContext().get(), runReq, &runResp), "RunPodSandbox");
    auto b = Clock::now();
    rt::PodSandboxStatusRequest stReq;
    stReq.set_pod_sandbox_id(runResp.pod_sandbox_id());
    rt::PodSandboxStatusResponse stResp;
    check(client->PodSandboxStatus(deadlineContext().get(), stReq, &stResp), "PodSandboxStatus");
    auto c = Clock::now();
    rt::StopPodSandboxRequest stop;
    stop.set_pod_sandbox_id(runResp.pod_sandbox_id());
    rt::StopPodSandboxResponse stopResp;
    check(client->StopPodSandbox(deadlineContext().get(), stop, &stopResp), "StopPodSandbox");
    auto d = Clock::now();
    rt::RemovePodSandboxRequest rm;
    rm.set_pod_sandbox_id(runResp.pod_sandbox_id());
    rt::RemovePodSandboxResponse rmResp;
    check(client->RemovePodSandbox(deadlineContext().get(), rm, &rmResp), "RemovePodSandbox");
    auto e = Clock::now();
    runS.add(ms(b - a));
    statusS.add(ms(c - b));
    stopS.add(ms(d - c));
    removeS.add(ms(e - d));
    cycle.add(ms(e - a));
  }
  std::printf("pod lifecycle run/status/stop/remove, no container (%d pods)\n", lifecycles);
  std::printf("  %-16s %8s %8s\n", "phase", "p50 ms", "p95 ms");
  auto row = [](const char* n, const Samples& s) { std::printf("  %-16s %8.1f %8.1f\n", n, s.pct(50), s.pct(95)); };
  row("RunPodSandbox", runS);
  row("PodSandboxStatus", statusS);
  row("StopPodSandbox", stopS);
  row("RemovePodSandbox", removeS);
  row("whole cycle", cycle);

  std::printf("memory\n");
  std::printf("  daemon VmRSS idle: %.1f MiB; with %d pods running: %.1f MiB\n", idleRss / 1024.0, sequential,
              busyRss / 1024.0);
  std::printf("  crix-conmon VmRSS over %zu monitors: p50 %.0f KiB, max %.0f KiB\n", monitors.size(),
              monitorRss.pct(50), monitorRss.pct(100));
  return 0;
}
