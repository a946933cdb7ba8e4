// crictl's detach sequence for `exec -t`/`attach -t` (moby/term's escape
// proxy with "ctrl-p,ctrl-q"): typing Ctrl-P then Ctrl-Q leaves the
// stream without ending the remote process. Bytes that start the sequence
// are held back until the next byte says whether it is the sequence; if
// not, they go through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace crixctl {

class DetachKeys {
 public:
  struct Result {
    std::string forward;    // bytes to send on stdin
    bool detached = false;  // the sequence was typed; nothing after it is forwarded
  };

  Result feed(std::string_view input);

 private:
  size_t matched_ = 0;  // bytes of the sequence seen and held back
};

}  // namespace crixctl
