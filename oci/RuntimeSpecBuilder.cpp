#include "oci/RuntimeSpecBuilder.h"

#include "core/Error.h"
#include "oci/ContainerCapabilities.h"
#include "oci/Devices.h"
#include "oci/Environment.h"
#include "oci/MountPlanner.h"
#include "oci/Namespaces.h"
#include "oci/ProcessArgs.h"
#include "oci/Resources.h"
#include "oci/Rlimits.h"
#include "oci/RootfsAccess.h"
#include "oci/SecurityProfiles.h"
#include "oci/SpecAnnotations.h"
#include "oci/Sysctls.h"
#include "oci/SystemPaths.h"
#include "oci/UserResolver.h"

namespace crix::oci {
namespace {

using Json = nlohmann::json;

// runc 1.1's version of the runtime spec.
constexpr const char* kOciVersion = "1.0.2-dev";

class RuntimeSpecBuilder {
 public:
  RuntimeSpecBuilder(const config::Config& cfg, const PodContext& pod, const ContainerContext& ctr,
                     const HostFacts& host)
      : cfg_(cfg),
        pod_(pod),
        ctr_(ctr),
        host_(host),
        sc_(ctr.config.linux().security_context()),
        privileged_(sc_.privileged()) {}

  Json build() {
    validateRequest();
    // Everything that only computes comes first, so that a bad request
    // fails before anything is created on the host.
    const auto args = processArgs(ctr_.config, ctr_.image.config);
    const std::string cwd = workingDirectory();
    const auto caps = capabilities();
    const Json seccomp =
        privileged_ ? Json(nullptr)
                    : seccompSection(cfg_, chooseSeccomp(sc_, cfg_.runtime.seccomp_use_default_when_empty),
                                     seccompTarget(caps));
    const std::string appArmor = appArmorProfile(cfg_, sc_, host_.appArmorEnabled, privileged_);
    const Json namespaces = namespacesSection(pod_, ctr_, host_.cgroupV2);
    Json resources =
        resourcesSection(cfg_, runtimeHandler(), ctr_.config.linux().resources(), host_);
    const std::string cgroups =
        cgroupsPath(cfg_.runtime.cgroup_manager, cgroupParent(), ctr_.containerId);
    const auto sysctls = containerSysctls(cfg_.runtime.default_sysctls, podSysctls(),
                                          {pod_.hostNetwork, pod_.hostIpc});
    const SystemPaths paths = systemPaths(sc_, privileged_);
    const Json rlimits = rlimitsSection(cfg_.runtime.default_ulimits);

    // Then what reads or writes the host and the rootfs.
    const ProcessUser user = resolveProcessUser(lookupRoot(), sc_, ctr_.image.config.user);
    const DevicesSection devices = devicesSection(deviceInputs(), ctr_.config);
    MountInputs mountInputs;
    mountInputs.privileged = privileged_;
    mountInputs.readonlyRootfs = readonlyRootfs();
    mountInputs.volumeOwner = {user.uid, user.gid};
    mountInputs.readMountInfo = host_.readMountInfo;
    const MountPlan mounts = planMounts(cfg_, pod_, ctr_, mountInputs);
    makeDirectoriesInRoot(ctr_.rootfsPath, cwd, 0755);

    Json process = {
        {"terminal", ctr_.config.tty()},
        {"user", {{"uid", user.uid}, {"gid", user.gid}, {"additionalGids", user.additionalGids}}},
        {"args", args},
        {"env", containerEnvironment(cfg_.runtime.default_env, ctr_.image.config, ctr_.config,
                                     pod_.hostname)},
        {"cwd", cwd},
        {"capabilities", capabilitiesJson(caps)},
        {"noNewPrivileges", sc_.no_new_privs()},
    };
    if (!rlimits.empty()) process["rlimits"] = rlimits;
    if (ctr_.config.linux().has_resources()) {
      process["oomScoreAdj"] = oomScoreAdj(ctr_.config.linux().resources());
    }
    if (!appArmor.empty()) process["apparmorProfile"] = appArmor;

    resources["devices"] = devices.cgroupRules;
    Json linux = {
        {"namespaces", namespaces},
        {"resources", resources},
        {"cgroupsPath", cgroups},
        {"devices", devices.devices},
    };
    if (!sysctls.empty()) linux["sysctl"] = sysctls;
    if (!seccomp.is_null()) linux["seccomp"] = seccomp;
    if (!paths.masked.empty()) linux["maskedPaths"] = paths.masked;
    if (!paths.readonly.empty()) linux["readonlyPaths"] = paths.readonly;
    if (!mounts.rootfsPropagation.empty()) linux["rootfsPropagation"] = mounts.rootfsPropagation;

    Json spec = {
        {"ociVersion", kOciVersion},
        {"process", std::move(process)},
        {"root", {{"path", ctr_.rootfsPath}, {"readonly", readonlyRootfs()}}},
        {"mounts", mounts.mounts},
        {"linux", std::move(linux)},
        {"annotations", annotationsSection(pod_, ctr_)},
    };
    if (!usesHostUts(pod_) && !pod_.hostname.empty()) spec["hostname"] = pod_.hostname;
    return spec;
  }

 private:
  void validateRequest() const {
    if (ctr_.containerId.empty()) throw Error::invalidArgument("the container ID is empty");
    if (ctr_.rootfsPath.empty() || ctr_.rootfsPath.front() != '/') {
      throw Error::invalidArgument("the container rootfs \"" + ctr_.rootfsPath +
                                   "\" is not an absolute path");
    }
    if (ctr_.config.metadata().name().empty()) {
      throw Error::invalidArgument("the container config has no metadata.name");
    }
    if (privileged_ && !pod_.config.linux().security_context().privileged()) {
      throw Error::invalidArgument(
          "container " + ctr_.config.metadata().name() +
          " is privileged but its pod is not: a pod must be created privileged to hold "
          "privileged containers");
    }
  }

  std::string workingDirectory() const {
    const std::string& requested = ctr_.config.working_dir();
    if (!requested.empty()) {
      if (requested.front() != '/') {
        throw Error::invalidArgument("working_dir \"" + requested + "\" is not an absolute path");
      }
      return requested;
    }
    const std::string& image = ctr_.image.config.workingDir;
    if (image.empty()) return "/";
    // Docker accepted relative WORKDIRs and meant them from "/".
    return image.front() == '/' ? image : "/" + image;
  }

  ContainerCapabilities capabilities() const {
    if (privileged_) {
      // Everything crix itself may hold, as containerd does: runc cannot
      // grant more, and on nodes whose bounding set is reduced "all known
      // capabilities" would make every privileged container fail.
      return {host_.bounding, {}};
    }
    return resolveContainerCapabilities(cfg_.runtime.default_capabilities, sc_.capabilities(),
                                        host_.bounding);
  }

  Json capabilitiesJson(const ContainerCapabilities& caps) const {
    const auto granted = caps.granted.names();
    // Inheritable capabilities survive execve of files with matching file
    // capabilities; since CVE-2022-24769 runtimes leave the set empty unless
    // asked (add_inheritable_capabilities). Ambient ones must be
    // inheritable to exist at all.
    const auto inheritable =
        cfg_.runtime.add_inheritable_capabilities ? granted : caps.ambient.names();
    return {{"bounding", granted},
            {"effective", granted},
            {"permitted", granted},
            {"inheritable", inheritable},
            {"ambient", caps.ambient.names()}};
  }

  SeccompTarget seccompTarget(const ContainerCapabilities& caps) const {
    return {caps.granted, host_.seccompArch, host_.kernelMajor, host_.kernelMinor};
  }

  const config::RuntimeHandler* runtimeHandler() const {
    return cfg_.runtimeHandler(pod_.runtimeHandler.empty() ? cfg_.runtime.default_runtime
                                                           : pod_.runtimeHandler);
  }

  std::string cgroupParent() const {
    return pod_.cgroupParent.empty() ? pod_.config.linux().cgroup_parent() : pod_.cgroupParent;
  }

  std::map<std::string, std::string> podSysctls() const {
    const auto& s = pod_.config.linux().sysctls();
    return {s.begin(), s.end()};
  }

  bool readonlyRootfs() const { return sc_.readonly_rootfs() || cfg_.runtime.read_only; }

  std::string lookupRoot() const {
    return ctr_.imageRootfsForUserLookup.empty() ? ctr_.rootfsPath : ctr_.imageRootfsForUserLookup;
  }

  DeviceInputs deviceInputs() const {
    DeviceInputs in;
    in.additionalDevices = cfg_.runtime.additional_devices;
    in.privileged = privileged_;
    const auto* handler = runtimeHandler();
    in.privilegedWithoutHostDevices = handler && handler->privileged_without_host_devices;
    in.ownershipFromSecurityContext = cfg_.runtime.device_ownership_from_security_context;
    in.devRoot = host_.devRoot;
    return in;
  }

  const config::Config& cfg_;
  const PodContext& pod_;
  const ContainerContext& ctr_;
  const HostFacts& host_;
  const runtime::v1::LinuxContainerSecurityContext& sc_;
  const bool privileged_;
};

}  // namespace

nlohmann::json buildRuntimeSpec(const config::Config& cfg, const PodContext& pod,
                                const ContainerContext& ctr) {
  return buildRuntimeSpec(cfg, pod, ctr, HostFacts::current());
}

nlohmann::json buildRuntimeSpec(const config::Config& cfg, const PodContext& pod,
                                const ContainerContext& ctr, const HostFacts& host) {
  return RuntimeSpecBuilder(cfg, pod, ctr, host).build();
}

}  // namespace crix::oci
