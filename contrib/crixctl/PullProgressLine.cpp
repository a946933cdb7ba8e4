#include "contrib/crixctl/PullProgressLine.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

namespace crixctl {
namespace {

constexpr auto kRateWindow = std::chrono::seconds(3);
// Carriage return, then erase to the end of the line.
constexpr const char* kEraseLine = "\r\x1b[K";

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(bytes) / 1e6);
  return text;
}

// A line longer than the terminal wraps, and "\r" would then redraw only its
// last row; so it is cut to fit.
std::size_t terminalColumns() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

PullProgressLine::PullProgressLine(std::string image) : image_(std::move(image)), enabled_(::isatty(STDERR_FILENO)) {}

PullProgressLine::~PullProgressLine() { erase(); }

double PullProgressLine::rate() const {
  if (samples_.size() < 2) return 0;
  const auto& first = samples_.front();
  const auto& last = samples_.back();
  const double seconds = std::chrono::duration<double>(last.at - first.at).count();
  if (seconds <= 0 || last.bytes < first.bytes) return 0;
  return static_cast<double>(last.bytes - first.bytes) / seconds;
}

void PullProgressLine::update(const crix::v1::PullImageProgress& report) {
  if (!enabled_ || report.layers_total() == 0) return;
  const auto now = Clock::now();
  samples_.push_back({now, report.bytes_done()});
  while (samples_.size() > 2 && now - samples_.front().at > kRateWindow) samples_.pop_front();

  std::string line = "Pulling " + image_ + ": layers " + std::to_string(report.layers_done()) + "/" +
                     std::to_string(report.layers_total());
  if (report.bytes_total() > 0) {
    line += ", " + megabytes(report.bytes_done()) + "/" + megabytes(report.bytes_total()) + " MB, " +
            megabytes(static_cast<std::uint64_t>(rate())) + " MB/s";
  }
  const std::size_t width = terminalColumns() - 1;
  if (line.size() > width) line.resize(width);

  line = kEraseLine + line;
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void PullProgressLine::erase() {
  if (!drawn_) return;
  std::fputs(kEraseLine, stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace crixctl
