// How ps and pods print what they list: the runtime's List response as
// JSON or YAML, else a table, or only the IDs with -q, or "Key: value"
// blocks with -v.
#pragma once

#include <functional>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "contrib/crixctl/Output.h"
#include "contrib/crixctl/TableWriter.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {

// --output, --quiet, --verbose and --no-trunc; only the usages of -v and
// -q differ between ps and pods.
std::vector<OptionSpec> listingOptions(const std::string& verboseUsage, const std::string& quietUsage);

// -o, checked: json, yaml or table. Throws crix::Error (InvalidArgument)
// "<failure>: unsupported output format ..." otherwise.
std::string listFormat(const VerbContext& ctx, const std::string& failure);

template <class Item>
struct ListingTable {
  std::vector<std::string> header;
  std::function<std::vector<std::string>(const Item&)> row;
  std::function<void(const Item&)> printVerbose;  // -v
};

// `format` is listFormat()'s; `field` is where the List response holds
// the items (e.g. &ListContainersResponse::mutable_containers).
template <class Response, class Item>
void printListing(const VerbContext& ctx, const std::string& format, std::vector<Item> items,
                  google::protobuf::RepeatedPtrField<Item>* (Response::*field)(), const ListingTable<Item>& layout) {
  if (format != "table") {
    Response response;
    for (auto& item : items) *(response.*field)()->Add() = std::move(item);
    printProtoAs(response, format);
    return;
  }
  const bool quiet = ctx.options.flag("quiet"), verbose = ctx.options.flag("verbose");
  TableWriter table = TableWriter::crictlTable();
  if (!verbose && !quiet) table.addRow(layout.header);
  for (const auto& item : items) {
    if (quiet) {
      std::cout << item.id() << "\n";
    } else if (verbose) {
      layout.printVerbose(item);
    } else {
      table.addRow(layout.row(item));
    }
  }
  std::cout << table.render();
}

}  // namespace crixctl
