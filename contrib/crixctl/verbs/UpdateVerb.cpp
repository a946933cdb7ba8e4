// `crixctl update [--cpu-share N --cpu-quota N ...] ID...`: changes running
// containers' Linux resource limits, printing each ID. Limits left out are
// sent as zero, which the CRI reads as "leave as is".
#include <iostream>

#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runUpdate(VerbContext& ctx) {
  if (ctx.args().empty()) throw crix::Error::invalidArgument("ID cannot be empty");
  runtime::v1::LinuxContainerResources linux;
  linux.set_cpu_period(ctx.options.integer("cpu-period"));
  linux.set_cpu_quota(ctx.options.integer("cpu-quota"));
  linux.set_cpu_shares(ctx.options.integer("cpu-share"));
  linux.set_cpuset_cpus(ctx.options.value("cpuset-cpus"));
  linux.set_cpuset_mems(ctx.options.value("cpuset-mems"));
  linux.set_memory_limit_in_bytes(ctx.options.integer("memory"));
  linux.set_oom_score_adj(ctx.options.integer("oom-score-adj"));
  for (const auto& given : ctx.args()) {
    try {
      runtime::v1::UpdateContainerResourcesRequest request;
      request.set_container_id(resolveContainerId(ctx.client, given));
      *request.mutable_linux() = linux;
      ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::UpdateContainerResources, request);
      std::cout << given << "\n" << std::flush;
    } catch (const crix::Error& e) {
      throw wrapError("updating container resources for \"" + given + "\"", e);
    }
  }
  return 0;
}

OptionSpec intOption(std::string name, std::string usage, std::vector<std::string> aliases = {}) {
  return {.name = std::move(name),
          .kind = OptionSpec::Kind::Value,
          .usage = std::move(usage),
          .defaultValue = "0",
          .quoteDefault = false,
          .longAliases = std::move(aliases)};
}

}  // namespace

Verb makeUpdateVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "update",
      .usage = "Update one or more running containers",
      .argsUsage = "CONTAINER-ID [CONTAINER-ID...]",
      .options =
          {
              intOption("cpu-period", "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"),
              intOption("cpu-quota", "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"),
              intOption("cpu-share", "CPU shares (relative weight vs. other containers)", {"cpu-shares"}),
              intOption("memory", "Memory limit (in bytes)"),
              {.name = "cpuset-cpus", .kind = Kind::Value, .usage = "CPU(s) to use"},
              {.name = "cpuset-mems", .kind = Kind::Value, .usage = "Memory node(s) to use"},
              intOption("oom-score-adj", "OOM Killer score to use"),
          },
      .run = runUpdate,
  };
}

}  // namespace crixctl
