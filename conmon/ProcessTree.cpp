#include "conmon/ProcessTree.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "conmon/Diag.h"
#include "conmon/Text.h"

namespace crix::conmon {
namespace {

struct ProcessEntry {
  pid_t pid;
  pid_t parent;
  bool holdsFile;
};

pid_t parentOf(const std::string& procDir) {
  char buf[512];
  const int fd = ::open((procDir + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return -1;
  // "pid (comm) state ppid ...": comm may hold anything, so parse after the
  // last ')'.
  const std::string_view text(buf, static_cast<size_t>(n));
  const size_t paren = text.rfind(')');
  if (paren == text.npos || paren + 4 >= text.size()) return -1;
  std::string_view rest = text.substr(paren + 4);  // past ") S "
  rest = rest.substr(0, rest.find(' '));
  const auto parent = parseDecimal(rest);
  return parent ? static_cast<pid_t>(*parent) : -1;
}

bool holdsAny(const std::string& procDir, const std::vector<FileIdentity>& files) {
  if (files.empty()) return false;
  DIR* dir = ::opendir((procDir + "/fd").c_str());
  if (!dir) return false;
  bool found = false;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    struct stat st;
    if (::fstatat(::dirfd(dir), entry->d_name, &st, 0) != 0) continue;
    found = std::any_of(files.begin(), files.end(), [&](const FileIdentity& f) {
      return f.device == st.st_dev && f.inode == st.st_ino;
    });
    if (found) break;
  }
  ::closedir(dir);
  return found;
}

std::vector<ProcessEntry> listProcesses(const std::vector<FileIdentity>& heldFiles, ino_t pidNamespace) {
  std::vector<ProcessEntry> entries;
  DIR* proc = ::opendir("/proc");
  if (!proc) return entries;
  const pid_t self = ::getpid();
  while (const dirent* entry = ::readdir(proc)) {
    const auto pid = parseDecimal(entry->d_name);
    if (!pid || *pid <= 1 || *pid == self) continue;
    if (pidNamespace != 0 && pidNamespaceOf(static_cast<pid_t>(*pid)) != pidNamespace) continue;
    const std::string dir = std::string("/proc/") + entry->d_name;
    const pid_t parent = parentOf(dir);
    if (parent < 0) continue;  // exited meanwhile
    entries.push_back({static_cast<pid_t>(*pid), parent, holdsAny(dir, heldFiles)});
  }
  ::closedir(proc);
  return entries;
}

bool contains(const std::vector<pid_t>& pids, pid_t pid) { return std::find(pids.begin(), pids.end(), pid) != pids.end(); }

}  // namespace

FileIdentity identityOf(int fd) {
  struct stat st {};
  ::fstat(fd, &st);
  return {st.st_dev, st.st_ino};
}

ino_t pidNamespaceOf(pid_t pid) {
  struct stat st;
  const std::string path = "/proc/" + std::to_string(pid) + "/ns/pid";
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

size_t killProcessTree(pid_t root, const std::vector<FileIdentity>& heldFiles, ino_t pidNamespace) {
  std::vector<pid_t> stopped;
  for (int round = 0; round < 50; ++round) {
    const std::vector<ProcessEntry> entries = listProcesses(heldFiles, pidNamespace);
    std::vector<pid_t> doomed;
    for (const ProcessEntry& e : entries)
      if (e.pid == root || e.holdsFile) doomed.push_back(e.pid);
    // Add descendants until nothing changes (the list is small).
    for (bool grew = true; grew;) {
      grew = false;
      for (const ProcessEntry& e : entries) {
        if (contains(doomed, e.parent) && !contains(doomed, e.pid)) {
          doomed.push_back(e.pid);
          grew = true;
        }
      }
    }
    size_t added = 0;
    for (pid_t pid : doomed) {
      if (contains(stopped, pid)) continue;
      ::kill(pid, SIGSTOP);
      stopped.push_back(pid);
      ++added;
    }
    if (added == 0) break;
  }
  for (pid_t pid : stopped) {
    diag::debug("killing ", Decimal(pid));
    ::kill(pid, SIGKILL);
  }
  return stopped.size();
}

}  // namespace crix::conmon
