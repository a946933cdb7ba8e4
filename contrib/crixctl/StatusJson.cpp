#include "contrib/crixctl/StatusJson.h"

#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/ProtoJson.h"

namespace crixctl {

nlohmann::json containerStatusJson(const runtime::v1::ContainerStatus& status) {
  nlohmann::json out = protoToSortedJson(status);
  out["createdAt"] = rfc3339Nano(status.created_at());
  // Only a container that was started has a start time; only one that ended
  // (or is unknown but once ended) has a finish time.
  const auto state = status.state();
  out["startedAt"] = state != runtime::v1::CONTAINER_CREATED ? rfc3339Nano(status.started_at()) : kGoZeroTime;
  const bool finished = state == runtime::v1::CONTAINER_EXITED ||
                        (state == runtime::v1::CONTAINER_UNKNOWN && status.finished_at() > 0);
  out["finishedAt"] = finished ? rfc3339Nano(status.finished_at()) : kGoZeroTime;
  return out;
}

nlohmann::json podStatusJson(const runtime::v1::PodSandboxStatus& status) {
  nlohmann::json out = protoToSortedJson(status);
  out["createdAt"] = rfc3339Nano(status.created_at());
  return out;
}

}  // namespace crixctl
