// CRI messages kept inside crix's JSON records: protobuf's JSON mapping, so a
// record stays readable with `cat` and survives proto field additions.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace crix::cri {

std::string protoToJson(const google::protobuf::Message& message);
// Throws DataLoss: a record that does not parse was damaged on disk.
void protoFromJson(const std::string& json, google::protobuf::Message* message);

}  // namespace crix::cri
