// `crixctl info`: the runtime's status conditions, handlers and features,
// merged with the verbose details the runtime reports, as one document.
#include "contrib/crixctl/GoStructJson.h"
#include "contrib/crixctl/ProtoJson.h"
#include "contrib/crixctl/StatusOutput.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

StatusData statusData(const runtime::v1::StatusResponse& response) {
  StatusData data;
  // An absent status still prints as {}, as protojson renders a nil message.
  data.status = response.has_status() ? protoToSortedJson(response.status()) : nlohmann::json::object();
  // crictl marshals these two with encoding/json rather than protojson, so
  // they keep snake_case names and drop zero values; an empty list vanishes.
  if (response.runtime_handlers_size() > 0) {
    nlohmann::json handlers = nlohmann::json::array();
    for (const auto& handler : response.runtime_handlers()) handlers.push_back(goStructJson(handler));
    data.runtimeHandlers = std::move(handlers);
  }
  if (response.has_features()) data.features = goStructJson(response.features());
  data.info.insert(response.info().begin(), response.info().end());
  return data;
}

int runInfo(VerbContext& ctx) {
  if (!ctx.args().empty()) return ctx.showHelp();

  auto& runtime = ctx.client.runtime();
  runtime::v1::StatusRequest request;
  request.set_verbose(!ctx.options.flag("quiet"));
  try {
    const auto response = ctx.client.call(runtime, &CriClient::RuntimeStub::Status, request);
    printStatusData({statusData(response)}, ctx.options.value("output"));
  } catch (const crix::Error& e) {
    throw wrapError("getting status of runtime", e);
  }
  return 0;
}

}  // namespace

Verb makeInfoVerb() {
  return Verb{
      .name = "info",
      .usage = "Display information of the container runtime",
      .options =
          {
              {.name = "output",
               .shortName = "o",
               .kind = OptionSpec::Kind::Value,
               .usage = "Output format, One of: json|yaml",
               .defaultValue = "json"},
              {.name = "quiet",
               .shortName = "q",
               .kind = OptionSpec::Kind::Bool,
               .usage = "Do not show verbose information",
               .defaultValue = "false"},
          },
      .run = runInfo,
  };
}

}  // namespace crixctl
