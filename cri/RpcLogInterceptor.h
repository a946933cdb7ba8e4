// Observes every RPC the daemon serves: logs it at debug level with its
// duration and result, and gives the generated "unimplemented" answers a
// message that names the RPC, so a client learns *what* crix lacks.
#pragma once

#include <grpcpp/support/server_interceptor.h>

namespace crix::cri {

class RpcLogInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace crix::cri
