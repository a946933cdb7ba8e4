// What inspect, inspectp and inspecti share: the -o, -q and --template
// flags, and going from the IDs to one JSON or YAML document of their
// statuses (each merged with the runtime's verbose `info`), or to crictl's
// "Key: value" lines with -o table.
#pragma once

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contrib/crixctl/MapLines.h"
#include "contrib/crixctl/StatusOutput.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {

std::vector<OptionSpec> statusOutputOptions();

// How one kind of object is inspected; Response is the runtime's status
// response, which carries the verbose `info`.
template <class Response>
struct StatusInspection {
  // The status of one object as the user named it; throws crix::Error,
  // worded for the verb.
  std::function<Response(const std::string& given, bool verbose)> fetch;
  // What the document shows under "status".
  std::function<nlohmann::json(const Response&)> statusJson;
  // The -o table lines but the last, "Info: ...".
  std::function<void(const Response&)> printLines;
};

struct StatusFormat {
  std::string format;  // json (the default), yaml or table
  bool verbose;        // without -q: the runtime's `info` too
};
// Throws crix::Error (Unimplemented) for go-template, which crixctl does
// not do yet.
StatusFormat statusFormat(const VerbContext& ctx);

// Returns the exit code. No IDs is an error, and help is shown.
template <class Response>
int inspectEach(VerbContext& ctx, const std::vector<std::string>& ids, const StatusInspection<Response>& inspection) {
  if (ids.empty()) {
    clilog::write(clilog::Level::Error, "No IDs provided or nothing found per filter");
    return ctx.showHelp();
  }
  const auto [format, verbose] = statusFormat(ctx);
  std::vector<StatusData> statuses;
  for (const auto& given : ids) {
    const Response response = inspection.fetch(given, verbose);
    // Lines are printed as each status comes, a document once all have.
    if (format == "table") {
      inspection.printLines(response);
      if (verbose) std::cout << "Info: " << goMapText(response.info()) << "\n";
      continue;
    }
    statuses.push_back(
        {.status = inspection.statusJson(response), .info = {response.info().begin(), response.info().end()}});
  }
  printStatusData(statuses, format);
  return 0;
}

}  // namespace crixctl
