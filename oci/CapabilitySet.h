// Linux capabilities as a set of numbers, with the names the OCI runtime spec
// uses ("CAP_SYS_ADMIN"). Requests name capabilities loosely ("sys_admin",
// "SYS_ADMIN", "CAP_SYS_ADMIN"); the spec always gets the canonical spelling.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crix::oci {

class CapabilitySet {
 public:
  // Capability numbers crix knows, 0 (CHOWN) to 40 (CHECKPOINT_RESTORE): the
  // ones runc 1.1 knows as well.
  static constexpr int kLastKnown = 40;

  CapabilitySet() = default;

  // "CAP_" prefix optional, any letter case. nullopt for unknown names.
  static std::optional<int> numberOf(std::string_view name);
  // "CAP_CHOWN" for 0; "" for numbers past kLastKnown.
  static std::string_view nameOf(int number);

  static CapabilitySet allKnown();
  static CapabilitySet fromMask(std::uint64_t mask);
  // Throws InvalidArgument naming `what` for an unknown capability.
  static CapabilitySet fromNames(const std::vector<std::string>& names, std::string_view what);

  // One of the Cap* lines ("CapBnd", "CapEff", ...) of a /proc/PID/status
  // text, restricted to known capabilities. Throws Internal when missing.
  static CapabilitySet fromProcStatus(std::string_view statusText, std::string_view field);
  // crix's own bounding set. Any process crix starts as root (runc, then the
  // container's init) gets at most this set after execve, so it is the upper
  // bound of what a container can hold. Read once per process.
  static const CapabilitySet& hostBounding();

  void add(int number);
  void remove(int number);
  bool contains(int number) const;
  bool contains(std::string_view name) const;
  bool empty() const { return mask_ == 0; }
  std::uint64_t mask() const { return mask_; }

  CapabilitySet intersect(const CapabilitySet& other) const {
    return fromMask(mask_ & other.mask_);
  }
  CapabilitySet minus(const CapabilitySet& other) const { return fromMask(mask_ & ~other.mask_); }

  // Canonical names, by capability number.
  std::vector<std::string> names() const;

  friend bool operator==(const CapabilitySet&, const CapabilitySet&) = default;

 private:
  std::uint64_t mask_ = 0;
};

}  // namespace crix::oci
