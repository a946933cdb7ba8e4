#include "conmon/ControlFifo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "conmon/Diag.h"
#include "conmon/Failure.h"
#include "conmon/Text.h"

namespace crix::conmon {
namespace {

constexpr int kResize = 1;
constexpr int kReopenLog = 2;
constexpr int kKill = 3;

// Splits "a b c" into three numbers.
bool parseThree(std::string_view line, long long (&out)[3]) {
  for (long long& value : out) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    const size_t end = std::min(line.find(' '), line.size());
    const auto parsed = parseDecimal(line.substr(0, end));
    if (!parsed) return false;
    value = *parsed;
    line.remove_prefix(end);
  }
  while (!line.empty() && (line.front() == ' ' || line.front() == '\r')) line.remove_prefix(1);
  return line.empty();
}

}  // namespace

void ControlListener::onKill() { diag::warn("ignoring a kill request: only an exec is killed this way"); }

ControlFifo::ControlFifo(EventLoop& loop, std::string path, ControlListener& listener)
    : loop_(loop), path_(std::move(path)), listener_(listener) {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) failErrno("remove the old control fifo " + path_);
  if (::mkfifo(path_.c_str(), 0600) != 0) failErrno("mkfifo " + path_);
  reader_.reset(::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!reader_) failErrno("open the control fifo " + path_);
  keepOpen_.reset(::open(path_.c_str(), O_WRONLY | O_CLOEXEC));
  if (!keepOpen_) failErrno("open the control fifo for writing " + path_);
  loop_.add(reader_.get(), EPOLLIN, this);
}

ControlFifo::~ControlFifo() {
  loop_.remove(reader_.get());
  ::unlink(path_.c_str());
}

// The daemon holds the ack FIFO open for reading until it has its answer or
// gives up; a daemon that gave up has removed it, and then nobody is told.
// Never blocks: the line is far shorter than PIPE_BUF.
void ControlFifo::acknowledge(long long token, int error) const {
  if (token < 0) {
    diag::warn("ignoring a negative acknowledgement token");
    return;
  }
  const std::string tokenText = std::to_string(token);
  const std::string ack = path_ + ".ack-" + tokenText;
  UniqueFd fd(::open(ack.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    diag::warn("cannot acknowledge request ", tokenText, " on ", ack, ": ", diag::errnoText(errno));
    return;
  }
  const std::string line = std::to_string(error) + "\n";
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    diag::warn("cannot acknowledge request ", tokenText, " on ", ack, ": ", diag::errnoText(errno));
}

void ControlFifo::onReady(uint32_t) {
  char buf[256];
  const ssize_t n = ::read(reader_.get(), buf, sizeof buf);
  if (n <= 0) return;
  for (ssize_t i = 0; i < n; ++i) {
    if (buf[i] == '\n') {
      if (!overlong_) handleLine({line_, lineLen_});
      lineLen_ = 0;
      overlong_ = false;
    } else if (lineLen_ < sizeof line_) {
      line_[lineLen_++] = buf[i];
    } else {
      overlong_ = true;
    }
  }
}

void ControlFifo::handleLine(std::string_view line) {
  long long fields[3];
  if (!parseThree(line, fields)) {
    diag::warn("ignoring malformed control message \"", line, "\"");
    return;
  }
  switch (fields[0]) {
    case kResize:
      if (fields[1] < 0 || fields[2] < 0 || fields[1] > 0xffff || fields[2] > 0xffff) {
        diag::warn("ignoring out-of-range terminal size \"", line, "\"");
        return;
      }
      listener_.onResize(static_cast<unsigned>(fields[1]), static_cast<unsigned>(fields[2]));
      return;
    case kReopenLog: {
      const int error = listener_.onReopenLog();
      if (fields[1] != 0) acknowledge(fields[1], error);
      return;
    }
    case kKill:
      listener_.onKill();
      return;
    default:
      diag::warn("ignoring unknown control message \"", line, "\"");
  }
}

}  // namespace crix::conmon
