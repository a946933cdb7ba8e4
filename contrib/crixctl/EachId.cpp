#include "contrib/crixctl/EachId.h"

#include <set>

#include "contrib/crixctl/RpcError.h"
#include "core/Error.h"

namespace crixctl {

void forEachIdUntilFailure(const std::vector<std::string>& ids, const std::string& failure,
                           const std::function<void(const std::string&)>& step) {
  for (const auto& given : ids) withContext(failure + " \"" + given + "\"", [&] { step(given); });
}

void runAll(const std::vector<std::function<void()>>& steps) {
  std::vector<crix::Error> errors;
  for (const auto& step : steps) {
    try {
      step();
    } catch (const crix::Error& e) {
      errors.push_back(e);
    }
  }
  if (errors.empty()) return;
  if (errors.size() == 1) throw errors.front();
  std::set<std::string> seen;
  std::string joined;
  for (const auto& e : errors) {
    if (!seen.insert(e.what()).second) continue;
    if (!joined.empty()) joined += ", ";
    joined += e.what();
  }
  if (seen.size() == 1) throw crix::Error(errors.front().code(), joined);
  throw crix::Error(errors.front().code(), "[" + joined + "]");
}

void forEachIdReportingAll(const std::vector<std::string>& ids, const std::function<void(const std::string&)>& step) {
  std::vector<std::function<void()>> steps;
  for (const auto& id : ids) steps.push_back([&step, id] { step(id); });
  runAll(steps);
}

}  // namespace crixctl
