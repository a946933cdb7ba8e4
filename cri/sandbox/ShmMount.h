// The pod's /dev/shm: one tmpfs shared by its containers (not used with
// hostIPC, where containers get the node's /dev/shm), mounted as CRI-O does:
// "shm" tmpfs, nosuid,nodev,noexec, mode=1777, size from the pod's
// io.kubernetes.cri-o.ShmSize annotation or 64 MiB.
#pragma once

#include <cstdint>
#include <string>

namespace crix::sandbox {

inline constexpr const char* kShmSizeAnnotation = "io.kubernetes.cri-o.ShmSize";
inline constexpr uint64_t kDefaultShmSize = 64ull * 1024 * 1024;

// A Kubernetes quantity ("64Mi", "1G", "1.5Gi", "65536", "1e6") in bytes,
// rounded up. InvalidArgument for anything else, and for zero or negative
// sizes (size=0 would make the tmpfs unlimited).
uint64_t parseShmSize(const std::string& quantity);

class ShmMount {
 public:
  ShmMount() = default;
  // Creates `path` (0700, like CRI-O; the tmpfs root on it is 1777) and
  // mounts the tmpfs. AlreadyExists when something is mounted there already,
  // Internal when the mount fails.
  ShmMount(const std::string& path, uint64_t sizeBytes);
  // Unmounts unless released.
  ~ShmMount();
  ShmMount(ShmMount&& other) noexcept;
  ShmMount& operator=(ShmMount&& other) noexcept;
  ShmMount(const ShmMount&) = delete;
  ShmMount& operator=(const ShmMount&) = delete;

  const std::string& path() const { return path_; }
  // The pod owns the mount from now on; unmount it later by path.
  std::string release();

  // Unmounts whatever is mounted on `path` (lazily, so a container still
  // holding it open cannot make this fail). Not mounted or missing is fine;
  // the directory itself is left for the pod directory's removal.
  static void unmount(const std::string& path);
  // Whether something is mounted on `path` (it is on another device than its
  // parent directory).
  static bool isMounted(const std::string& path);

 private:
  std::string path_;
};

}  // namespace crix::sandbox
