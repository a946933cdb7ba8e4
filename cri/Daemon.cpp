#include "cri/Daemon.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/resource_quota.h>
#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>

#include "config/Reload.h"
#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"
#include "cri/EffectiveConfig.h"
#include "cri/ImageServiceImpl.h"
#include "cri/ImageTransferServiceImpl.h"
#include "cri/ListenSocketClaim.h"
#include "cri/RpcLogInterceptor.h"
#include "cri/RuntimeServiceImpl.h"
#include "cri/SignalWatcher.h"
#include "cri/StartupPageRelease.h"
#include "cri/runtime/ContainerLifecycle.h"
#include "cri/runtime/ContainerStreamingBackend.h"
#include "cri/runtime/ExitWatcher.h"
#include "cri/runtime/NodePodSandbox.h"
#include "cri/runtime/PodLifecycle.h"
#include "cri/runtime/StateRecovery.h"
#include "cri/runtime/StatsCache.h"
#include "cri/runtime/StatsCollector.h"
#include "cri/state/RuntimeState.h"
#include "cri/streaming/StreamServer.h"
#include "netns/NamespacePinner.h"
#include "netns/cni/PodNetworking.h"
#include "oci/runtime/CgroupStats.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {
namespace {

// In-flight calls get this long to finish after SIGTERM; long-lived streams
// are cancelled when it runs out.
constexpr auto kShutdownGrace = std::chrono::seconds(10);

void applyLogLevel(const config::Config& cfg) {
  if (const auto level = log::parseLevel(cfg.runtime.log_level)) log::setLevel(*level);
}

streaming::StreamServerOptions streamServerOptions(const config::Config& cfg) {
  streaming::StreamServerOptions options;
  options.address = cfg.api.stream_address.empty() ? "127.0.0.1" : cfg.api.stream_address;
  // Validated as a port number when the configuration was loaded.
  options.port = static_cast<uint16_t>(std::stoi(cfg.api.stream_port.empty() ? "0" : cfg.api.stream_port));
  if (cfg.api.stream_enable_tls) {
    options.tlsCertFile = cfg.api.stream_tls_cert;
    options.tlsKeyFile = cfg.api.stream_tls_key;
  }
  options.idleTimeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.api.stream_idle_timeout);
  return options;
}

void createStateDir(const std::string& dir) { makeDirectories(dir, 0711); }

}  // namespace

Daemon::Daemon(DaemonOptions opts, config::Config initial)
    : opts_(std::move(opts)), config_(std::move(initial)) {}

int Daemon::run() {
  // Before gRPC starts any thread.
  SignalWatcher signals({SIGTERM, SIGINT, SIGHUP});
  std::signal(SIGPIPE, SIG_IGN);

  const auto cfg = config_.snapshot();
  applyLogLevel(*cfg);
  createStateDir(cfg->crio.root);
  createStateDir(cfg->crio.runroot);

  ListenSocketClaim socket(cfg->api.listen);

  storage::ImageStorageOptions storageOptions;
  storageOptions.root = cfg->crio.root;
  storageOptions.maxParallelDownloads = static_cast<unsigned>(cfg->image.max_parallel_downloads);
  if (!cfg->image.global_auth_file.empty()) storageOptions.client.authFile = cfg->image.global_auth_file;
  storage::ImageStorage imageStorage(std::move(storageOptions));

  RuntimeState runtimeState{StateLayout(cfg->crio.runroot)};
  // crix-conmon doubles as the pid-namespace holder of pods that share one.
  netns::NamespacePinner pinner(runtimeState.layout().namespacesDir(),
                                oci::resolveRuntime(*cfg, "").monitorPath);
  // The pod network is read from network_dir as it is at each use; the
  // attachments live under the persistent root (netns/cni/CniAttachmentCache.h).
  netns::cni::CniConfigWatcher networkConfig(cfg->network.network_dir, cfg->network.cni_default_network,
                                             cfg->network.plugin_dirs);
  netns::cni::PodNetworking network(networkConfig, cfg->crio.root + "/cni-attachments");
  StoredContainerImages containerImages(imageStorage);
  OciRuntimeBackend ociBackend;
  ContainerLifecycle containers(config_, runtimeState, containerImages, ociBackend);
  NodePodSandbox podSandbox(pinner, network);
  PodLifecycle pods(config_, runtimeState, podSandbox, containers);
  const auto recovered = recoverState(runtimeState, pods, containers, network, imageStorage);
  log::info("state: ", recovered.pods, " pods and ", recovered.containers, " containers recovered",
            recovered.discarded ? ", " + std::to_string(recovered.discarded) + " leftovers removed" : "");
  // collection_period is CRI-O's newer name for stats_collection_period.
  const auto statsPeriod = std::chrono::seconds(cfg->stats.collection_period > 0 ? cfg->stats.collection_period
                                                                                 : cfg->stats.stats_collection_period);
  StatsCache statsCache(
      {.containers =
           [&] {
             std::vector<StatsSources::Live> live;
             for (const auto& ctr : runtimeState.containers())
               if (ctr.state != ContainerState::Exited)
                 live.push_back({ctr.id, ctr.state == ContainerState::Running ? ctr.cgroupsPath : ""});
             return live;
           },
       .writableLayer =
           [&](const std::string& id) {
             const auto usage = imageStorage.containers().usage(id);
             return storage::DirectoryUsage{"", usage.bytes, usage.inodes};
           },
       .imageFs = [&] { return imageStorage.imageUsage(); },
       .containerFs = [&] { return imageStorage.containerUsage(); },
       .cgroup = [](const std::string& path) { return oci::readCgroupStats(path); }},
      statsPeriod);
  StatsCollector stats(statsCache, cfg->crio.root);
  // From here on an exit is recorded (and announced) as it happens.
  ExitWatcher exits(runtimeState.layout().containersDir(), [&](const std::string& id) { containers.noteExit(id); });

  // Exec, Attach and PortForward answer with URLs on this server.
  ContainerStreamingBackend streamingBackend(config_, runtimeState, containers);
  streaming::StreamServer streamServer(streamServerOptions(*cfg), streamingBackend);
  streamServer.start();
  log::info("streaming server (exec, attach, port-forward) on ", streamServer.baseUrl());

  SlowCallLimit slowCalls(cfg->api.grpc_max_threads);
  RuntimeServiceImpl runtimeService(config_, {runtimeState, pods, containers, stats, network, streamServer, slowCalls});
  ImageServiceImpl imageService(config_, imageStorage, statsCache, slowCalls);
  ImageTransferServiceImpl imageTransferService(config_, imageStorage, slowCalls);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(socket.grpcAddress(), grpc::InsecureServerCredentials());
  builder.RegisterService(&runtimeService);
  builder.RegisterService(&imageService);
  builder.RegisterService(&imageTransferService);
  builder.SetMaxReceiveMessageSize(cfg->api.grpc_max_recv_msg_size);
  builder.SetMaxSendMessageSize(cfg->api.grpc_max_send_msg_size);
  // A node runtime serves one kubelet: few pollers keep idle memory low; gRPC
  // still grows threads for concurrent calls.
  builder.SetSyncServerOption(grpc::ServerBuilder::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::MAX_POLLERS, 2);
  // Every blocked call holds a thread; without a quota a burst of slow calls
  // (ExecSync probes, long stops) grows threads without bound.
  grpc::ResourceQuota quota("crix-grpc");
  quota.SetMaxThreads(static_cast<int>(cfg->api.grpc_max_threads));
  builder.SetResourceQuota(quota);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<RpcLogInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) throw Error::unavailable("cannot listen on " + socket.path());
  socket.restrictMode();
  log::info("crix ", CRIX_VERSION, " serving CRI runtime.v1 on ", socket.path());
  releaseStartupPages();

  for (;;) {
    const int sig = signals.wait();
    if (sig == SIGHUP) {
      reload();
      continue;
    }
    log::info("received ", sig == SIGTERM ? "SIGTERM" : "SIGINT", ", shutting down");
    break;
  }

  server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  server->Wait();
  // Open exec/attach streams end with the daemon (attached containers keep
  // running; exec'd processes are killed with their client).
  streamServer.stop();
  log::info("crix stopped");
  return 0;
}

void Daemon::reload() {
  config::Loaded fresh;
  try {
    fresh = loadEffectiveConfig(opts_);
  } catch (const Error& e) {
    log::error("reload failed, keeping the current configuration: ", e.what());
    return;
  }
  for (const auto& w : fresh.warnings) log::warn(w.text());

  const auto current = config_.snapshot();
  config::Config next = config::withReloadable(*current, fresh.config);
  for (const auto& change : config::restartRequiredChanges(*current, fresh.config))
    log::warn("reload: ", change, " needs a restart; keeping the running value");
  const auto changes = config::reloadableChanges(*current, next);
  if (changes.empty()) {
    log::info("reload: no reloadable setting changed");
    return;
  }
  for (const auto& change : changes) log::info("reload: ", change);
  applyLogLevel(next);
  config_.replace(std::move(next));
}

}  // namespace crix::cri
