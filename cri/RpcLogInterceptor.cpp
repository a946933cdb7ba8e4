#include "cri/RpcLogInterceptor.h"

#include <chrono>
#include <string>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::cri {
namespace {

using grpc::experimental::InterceptionHookPoints;

// "/runtime.v1.RuntimeService/Version" -> "RuntimeService/Version"
std::string shortMethodName(const char* method) {
  std::string name = method ? method : "";
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  if (const auto dot = name.rfind('.', name.find('/')); dot != std::string::npos) name.erase(0, dot + 1);
  return name;
}

class RpcLogInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(shortMethodName(info->method())), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      // The generated base class answers UNIMPLEMENTED with an empty message
      // for every RPC we have not overridden yet.
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED && status.error_message().empty()) {
        status = grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                              method_ + " is not implemented by crix yet");
        methods->ModifySendStatus(status);
      }
      if (log::enabled(log::Level::Debug)) {
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start_)
                                .count();
        log::debug("rpc ", method_, " code=",
                   statusCodeName(static_cast<StatusCode>(status.error_code())),
                   " duration=", micros / 1000, ".", micros % 1000 / 100, "ms");
      }
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

grpc::experimental::Interceptor* RpcLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcLogInterceptor(info);
}

}  // namespace crix::cri
