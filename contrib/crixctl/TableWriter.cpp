#include "contrib/crixctl/TableWriter.h"

#include <algorithm>

namespace crixctl {
namespace {

std::size_t displayWidth(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

void TableWriter::addRow(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += '\t';
    line += cells[i];
  }
  addLine(line);
}

void TableWriter::addLine(const std::string& line) {
  // A newline inside ends the line there, as in text/tabwriter (multi-line
  // flag usages in help).
  if (const auto newline = line.find('\n'); newline != std::string::npos) {
    addLine(line.substr(0, newline));
    addLine(line.substr(newline + 1));
    return;
  }
  std::vector<std::string> cells;
  std::size_t start = 0;
  for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
    cells.push_back(line.substr(start, tab - start));
  }
  cells.push_back(line.substr(start));
  lines_.push_back(std::move(cells));
}

std::string TableWriter::render() const {
  // widths[l][c]: the padded width of tab-terminated cell c on line l.
  std::vector<std::vector<std::size_t>> widths(lines_.size());
  for (std::size_t l = 0; l < lines_.size(); ++l) widths[l].resize(lines_[l].size() - 1, 0);

  // A column block is a run of consecutive lines that all have column c.
  std::size_t maxColumns = 0;
  for (const auto& cells : lines_) maxColumns = std::max(maxColumns, cells.size() - 1);
  for (std::size_t c = 0; c < maxColumns; ++c) {
    std::size_t l = 0;
    while (l < lines_.size()) {
      if (lines_[l].size() - 1 <= c) {
        ++l;
        continue;
      }
      const std::size_t blockStart = l;
      std::size_t width = static_cast<std::size_t>(minWidth_);
      for (; l < lines_.size() && lines_[l].size() - 1 > c; ++l) {
        width = std::max(width, displayWidth(lines_[l][c]) + static_cast<std::size_t>(padding_));
      }
      for (std::size_t k = blockStart; k < l; ++k) widths[k][c] = width;
    }
  }

  std::string out;
  for (std::size_t l = 0; l < lines_.size(); ++l) {
    const auto& cells = lines_[l];
    for (std::size_t c = 0; c + 1 < cells.size(); ++c) {
      out += cells[c];
      out.append(widths[l][c] - displayWidth(cells[c]), ' ');
    }
    out += cells.back();
    out += '\n';
  }
  return out;
}

}  // namespace crixctl
