// Tab-separated rows laid out in aligned columns with the rules of Go's
// text/tabwriter (flags 0, space padding), which crictl uses for its tables:
//  * a cell is text ended by a tab; what follows a line's last tab is
//    printed as is and never padded;
//  * a column spans consecutive lines that have that cell, and is as wide as
//    its widest cell plus `padding`, but at least `minWidth`;
//  * widths count UTF-8 characters, not bytes.
#pragma once

#include <string>
#include <vector>

namespace crixctl {

class TableWriter {
 public:
  // crictl's tables: newTabWriter(minwidth 20, tabwidth 1, padding 3, ' ').
  static TableWriter crictlTable() { return TableWriter(20, 3); }

  TableWriter(int minWidth, int padding) : minWidth_(minWidth), padding_(padding) {}

  // Cells joined by tabs, like crictl's display.AddRow.
  void addRow(const std::vector<std::string>& cells);
  // A raw line; tabs in it separate cells, newlines start further lines.
  void addLine(const std::string& line);

  // The laid-out text; each line ends in a newline.
  std::string render() const;

 private:
  int minWidth_;
  int padding_;
  std::vector<std::vector<std::string>> lines_;  // split at tabs; last = trailing text
};

}  // namespace crixctl
