// The connection to the runtime's CRI services, opened the way crictl opens
// it: on first use, checked with one cheap call so that a missing or wrong
// daemon is reported as such (naming the endpoint) before the verb's own
// request, and every unary call bounded by --timeout.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>

#include "cri/api/Cri.h"
#include "contrib/crixctl/CliLog.h"
#include "contrib/crixctl/DebugText.h"
#include "contrib/crixctl/RpcError.h"
#include "contrib/crixctl/Settings.h"

namespace crixctl {

class CriClient {
 public:
  using RuntimeStub = runtime::v1::RuntimeService::Stub;
  using ImageStub = runtime::v1::ImageService::Stub;
  // crix's own image service (crix.v1.ImageTransfer), on the image endpoint.
  using TransferStub = crix::v1::ImageTransfer::Stub;

  explicit CriClient(Settings settings);

  // Connect and validate on first use; throw crix::Error on failure.
  RuntimeStub& runtime();
  ImageStub& images();
  // Validated through images(): a runtime that is not crix still answers
  // there, and then says UNIMPLEMENTED to the transfer calls.
  TransferStub& transfer();

  const Settings& settings() const { return settings_; }

  // A context bounded by `timeout`, by default the connection timeout; a
  // zero timeout means no deadline (for calls like a long image pull).
  std::unique_ptr<grpc::ClientContext> context(std::optional<std::chrono::nanoseconds> timeout = {}) const;

  // One unary call, logged under --debug, a failure thrown as crix::Error
  // ("rpc error: code = ... desc = ...").
  //   auto r = client.call(client.runtime(), &CriClient::RuntimeStub::Version, request);
  template <class Stub, class Request, class Response>
  Response call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                const Request& request, std::optional<std::chrono::nanoseconds> timeout = {}) {
    if (clilog::debugEnabled()) clilog::debug(Request::descriptor()->name(), ": ", debugText(request));
    Response response;
    const auto ctx = context(timeout);
    const grpc::Status status = (stub.*method)(ctx.get(), request, &response);
    if (!status.ok()) {
      clilog::debug(Response::descriptor()->name(), ": nil");
      throw rpcError(status);
    }
    if (clilog::debugEnabled()) clilog::debug(Response::descriptor()->name(), ": ", debugText(response));
    return response;
  }

 private:
  std::shared_ptr<grpc::Channel> channelFor(const std::string& endpoint);

  Settings settings_;
  std::shared_ptr<grpc::Channel> runtimeChannel_;
  std::shared_ptr<grpc::Channel> imageChannel_;
  std::unique_ptr<RuntimeStub> runtime_;
  std::unique_ptr<ImageStub> images_;
  std::unique_ptr<TransferStub> transfer_;
};

}  // namespace crixctl
