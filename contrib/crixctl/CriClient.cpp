#include "contrib/crixctl/CriClient.h"

#include "contrib/crixctl/Duration.h"
#include "contrib/crixctl/Endpoint.h"
#include "core/Error.h"

namespace crixctl {
namespace {

// Large image lists and verbose statuses outgrow gRPC's 4 MiB default;
// 16 MiB is what the kubelet and crictl allow.
constexpr int kMaxMessageBytes = 16 * 1024 * 1024;

// The version the kubelet announces when it validates a connection.
constexpr const char* kKubeletApiVersion = "0.1.0";

crix::Error validationError(std::string_view api, const std::string& endpoint, const crix::Error& cause) {
  return wrapError("validate service connection: validate CRI v1 " + std::string(api) + " API for endpoint \"" +
                       endpoint + "\"",
                   cause);
}

}  // namespace

CriClient::CriClient(Settings settings) : settings_(std::move(settings)) {}

std::shared_ptr<grpc::Channel> CriClient::channelFor(const std::string& endpoint) {
  if (runtimeChannel_ && endpoint == settings_.runtimeEndpoint) return runtimeChannel_;
  if (imageChannel_ && endpoint == settings_.imageEndpoint) return imageChannel_;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  clilog::debug("Connect using endpoint \"", endpoint, "\" with \"", formatDuration(settings_.timeout), "\" timeout");
  auto channel = grpc::CreateCustomChannel(grpcTarget(endpoint), grpc::InsecureChannelCredentials(), args);
  if (endpoint == settings_.runtimeEndpoint) runtimeChannel_ = channel;
  if (endpoint == settings_.imageEndpoint) imageChannel_ = channel;
  return channel;
}

std::unique_ptr<grpc::ClientContext> CriClient::context(std::optional<std::chrono::nanoseconds> timeout) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  const auto limit = timeout.value_or(settings_.timeout);
  if (limit.count() > 0) {
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::duration_cast<std::chrono::system_clock::duration>(limit));
  }
  return ctx;
}

CriClient::RuntimeStub& CriClient::runtime() {
  if (runtime_) return *runtime_;
  if (settings_.runtimeEndpoint.empty()) throw crix::Error::invalidArgument("--runtime-endpoint is not set");
  clilog::debug("Get runtime connection");
  clilog::debug("Using runtime connection timeout: ", formatDuration(settings_.timeout));
  auto stub = runtime::v1::RuntimeService::NewStub(channelFor(settings_.runtimeEndpoint));

  runtime::v1::VersionRequest probe;
  probe.set_version(kKubeletApiVersion);
  try {
    call(*stub, &RuntimeStub::Version, probe);
  } catch (const crix::Error& e) {
    throw validationError("runtime", settings_.runtimeEndpoint, e);
  }
  runtime_ = std::move(stub);
  return *runtime_;
}

CriClient::ImageStub& CriClient::images() {
  if (images_) return *images_;
  if (settings_.imageEndpoint.empty()) throw crix::Error::invalidArgument("--image-endpoint is not set");
  clilog::debug("Get image connection");
  auto stub = runtime::v1::ImageService::NewStub(channelFor(settings_.imageEndpoint));

  try {
    call(*stub, &ImageStub::ImageFsInfo, runtime::v1::ImageFsInfoRequest{});
  } catch (const crix::Error& e) {
    throw validationError("image", settings_.imageEndpoint, e);
  }
  images_ = std::move(stub);
  return *images_;
}

CriClient::TransferStub& CriClient::transfer() {
  if (transfer_) return *transfer_;
  images();
  transfer_ = crix::v1::ImageTransfer::NewStub(channelFor(settings_.imageEndpoint));
  return *transfer_;
}

}  // namespace crixctl
