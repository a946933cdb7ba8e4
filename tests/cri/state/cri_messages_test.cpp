// What List/Status RPCs show of records, and the List filters.
#include <doctest/doctest.h>

#include "cri/state/CriMessages.h"

#include <csignal>

namespace crix::cri {

namespace rt = runtime::v1;

TEST_SUITE("cri views") {
  TEST_CASE("label selectors need every key with the same value") {
    google::protobuf::Map<std::string, std::string> labels;
    labels["app"] = "web";
    labels["tier"] = "front";
    google::protobuf::Map<std::string, std::string> selector;
    CHECK(matchesLabels(labels, selector));
    selector["app"] = "web";
    CHECK(matchesLabels(labels, selector));
    selector["tier"] = "back";
    CHECK_FALSE(matchesLabels(labels, selector));
    selector.erase("tier");
    selector["missing"] = "";
    CHECK_FALSE(matchesLabels(labels, selector));
  }

  TEST_CASE("container filters: id prefix, pod id, state, labels") {
    ContainerRecord ctr;
    ctr.id = "abcdef";
    ctr.podId = "pod123";
    ctr.state = ContainerState::Exited;
    (*ctr.config.mutable_labels())["app"] = "web";
    rt::ContainerFilter filter;
    CHECK(matches(ctr, filter));
    filter.set_id("abc");
    CHECK(matches(ctr, filter));
    filter.set_id("abd");
    CHECK_FALSE(matches(ctr, filter));
    filter.clear_id();
    filter.set_pod_sandbox_id("pod123");
    CHECK(matches(ctr, filter));
    filter.mutable_state()->set_state(rt::CONTAINER_RUNNING);
    CHECK_FALSE(matches(ctr, filter));
    filter.mutable_state()->set_state(rt::CONTAINER_EXITED);
    CHECK(matches(ctr, filter));
    (*filter.mutable_label_selector())["app"] = "db";
    CHECK_FALSE(matches(ctr, filter));
  }

  TEST_CASE("an exited container's status has its end; a created one has none") {
    ContainerRecord ctr;
    ctr.id = "c1";
    ctr.state = ContainerState::Created;
    ctr.createdAtNanos = 10;
    ctr.startedAtNanos = 0;
    ctr.logPath = "/var/log/pods/x/c/0.log";
    ctr.imageName = "docker.io/library/busybox:latest";
    ctr.imageRef = "docker.io/library/busybox@sha256:aa";
    ctr.config.mutable_metadata()->set_name("c");
    rt::ContainerStatus status;
    fillContainerStatus(ctr, &status);
    CHECK(status.state() == rt::CONTAINER_CREATED);
    CHECK(status.started_at() == 0);
    CHECK(status.finished_at() == 0);
    CHECK(status.log_path() == ctr.logPath);
    CHECK(status.image().image() == ctr.imageName);
    CHECK(status.image_ref() == ctr.imageRef);

    ctr.state = ContainerState::Exited;
    ctr.startedAtNanos = 20;
    ctr.finishedAtNanos = 30;
    ctr.exitCode = 137;
    ctr.reason = "OOMKilled";
    status.Clear();
    fillContainerStatus(ctr, &status);
    CHECK(status.state() == rt::CONTAINER_EXITED);
    CHECK(status.started_at() == 20);
    CHECK(status.finished_at() == 30);
    CHECK(status.exit_code() == 137);
    CHECK(status.reason() == "OOMKilled");
  }

  TEST_CASE("stop signals map to the CRI's Signal names") {
    const auto name = [](int signal) { return rt::Signal_Name(criSignal(signal)); };
    CHECK(name(SIGTERM) == "SIGTERM");
    CHECK(name(SIGUSR1) == "SIGUSR1");
    CHECK(name(SIGKILL) == "SIGKILL");
    CHECK(name(SIGRTMIN) == "SIGRTMIN");
    CHECK(name(SIGRTMIN + 3) == "SIGRTMINPLUS3");
    CHECK(name(SIGRTMAX - 2) == "SIGRTMAXMINUS2");
    CHECK(name(SIGRTMAX) == "SIGRTMAX");
  }

  TEST_CASE("pod status carries metadata, namespace options, labels and annotations") {
    PodRecord pod;
    pod.id = "p1";
    pod.state = PodState::NotReady;
    pod.createdAtNanos = 5;
    pod.config.mutable_metadata()->set_name("web");
    pod.config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(rt::NODE);
    (*pod.config.mutable_annotations())["a"] = "b";
    rt::PodSandboxStatus status;
    fillPodSandboxStatus(pod, &status);
    CHECK(status.id() == "p1");
    CHECK(status.state() == rt::SANDBOX_NOTREADY);
    CHECK(status.metadata().name() == "web");
    CHECK(status.linux().namespaces().options().network() == rt::NODE);
    CHECK(status.annotations().at("a") == "b");
  }
}

}  // namespace crix::cri
