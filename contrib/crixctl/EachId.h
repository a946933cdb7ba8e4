// How the verbs that take several IDs go through them, each the way crictl
// does: start, stop and stopp stop at the first failure; rm and rmp try
// every ID and report the failures together.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace crixctl {

// `step` for each ID as the user gave it, in order; the first failure is
// thrown as "<failure> \"ID\": <error>".
void forEachIdUntilFailure(const std::vector<std::string>& ids, const std::string& failure,
                           const std::function<void(const std::string&)>& step);

// Runs every step, even after one failed, then throws one crix::Error
// carrying all messages: the one message for one failure, "[a, b]" for
// several (k8s' error aggregate).
void runAll(const std::vector<std::function<void()>>& steps);

// runAll() of `step` for each ID.
void forEachIdReportingAll(const std::vector<std::string>& ids, const std::function<void(const std::string&)>& step);

}  // namespace crixctl
