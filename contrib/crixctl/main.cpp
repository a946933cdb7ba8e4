// crixctl: a crictl-compatible command-line client for CRI runtimes.
#include <string>
#include <vector>

#include "contrib/crixctl/App.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  return crixctl::runApp(args);
}
