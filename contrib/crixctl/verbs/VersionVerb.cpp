// `crixctl version`: the runtime's name and version and the CRI version it
// speaks, in crictl's "Key:  value" lines.
#include <iostream>

#include "contrib/crixctl/Output.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

// The CRI API version crictl announces in VersionRequest.
constexpr const char* kCriApiVersion = "v1";

int runVersion(VerbContext& ctx) {
  if (!ctx.args().empty()) return ctx.showHelp();
  const std::string format = ctx.options.value("output");
  if (!format.empty() && format != "json" && format != "yaml") {
    throw crix::Error::invalidArgument("unsupported output format: \"" + format + "\"");
  }

  auto& runtime = ctx.client.runtime();
  runtime::v1::VersionRequest request;
  request.set_version(kCriApiVersion);
  runtime::v1::VersionResponse response;
  try {
    response = ctx.client.call(runtime, &CriClient::RuntimeStub::Version, request);
  } catch (const crix::Error& e) {
    throw wrapError("getting the runtime version", e);
  }

  if (format == "json") {
    printProtoAsJson(response);
  } else if (format == "yaml") {
    printProtoAsYaml(response);
  } else {
    // Go's fmt.Println("Version: ", v) puts a space between its operands,
    // hence the two spaces.
    std::cout << "Version:  " << response.version() << "\n"
              << "RuntimeName:  " << response.runtime_name() << "\n"
              << "RuntimeVersion:  " << response.runtime_version() << "\n"
              << "RuntimeApiVersion:  " << response.runtime_api_version() << "\n";
  }
  return 0;
}

}  // namespace

Verb makeVersionVerb() {
  return Verb{
      .name = "version",
      .usage = "Display runtime version information",
      .options = {{.name = "output",
                   .shortName = "o",
                   .kind = OptionSpec::Kind::Value,
                   .usage = "Output format, One of: json|yaml; crictl's plain lines when unset"}},
      .run = runVersion,
  };
}

}  // namespace crixctl
