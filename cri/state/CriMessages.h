// How crix's records look through the CRI: the messages List/Status RPCs
// return, and the filters the List RPCs take.
#pragma once

#include "cri/api/Cri.h"
#include "cri/state/ContainerRecord.h"
#include "cri/state/PodRecord.h"

namespace crix::cri {

void fillPodSandbox(const PodRecord& pod, runtime::v1::PodSandbox* out);
void fillPodSandboxStatus(const PodRecord& pod, runtime::v1::PodSandboxStatus* out);
void fillContainer(const ContainerRecord& ctr, runtime::v1::Container* out);
void fillContainerStatus(const ContainerRecord& ctr, runtime::v1::ContainerStatus* out);

runtime::v1::PodSandboxState criState(PodState state);
runtime::v1::ContainerState criState(ContainerState state);
// A signal number as the CRI's Signal enum names it (SIGTERM, SIGRTMINPLUS3).
runtime::v1::Signal criSignal(int signal);

// Every selector key present with the same value.
bool matchesLabels(const google::protobuf::Map<std::string, std::string>& labels,
                   const google::protobuf::Map<std::string, std::string>& selector);
// An ID filter matches the full ID or a prefix of it, as CRI-O's does.
bool matchesId(const std::string& id, const std::string& filter);

bool matches(const PodRecord& pod, const runtime::v1::PodSandboxFilter& filter);
bool matches(const ContainerRecord& ctr, const runtime::v1::ContainerFilter& filter);
// The stats RPCs' filters: the same fields without a state.
bool matches(const PodRecord& pod, const runtime::v1::PodSandboxStatsFilter& filter);
bool matches(const ContainerRecord& ctr, const runtime::v1::ContainerStatsFilter& filter);

}  // namespace crix::cri
