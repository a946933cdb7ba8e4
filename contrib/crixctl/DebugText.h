// Requests and responses as one-line text for --debug, the way crictl logs
// every CRI call. Registry credentials are blanked first: a debug log is the
// kind of thing that gets pasted into bug reports.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace crixctl {

std::string debugText(const google::protobuf::Message& message);

}  // namespace crixctl
