#include "contrib/crixctl/Removal.h"

#include "contrib/crixctl/EachId.h"
#include "core/Error.h"

namespace crixctl {

int removeEach(VerbContext& ctx, const Removal& removal) {
  std::vector<std::string> ids = ctx.args();
  if (ctx.options.flag("all")) {
    ids = removal.listAll();
    if (ids.empty()) {
      clilog::write(clilog::Level::Info, removal.noneListed);
      return 0;
    }
  }
  if (ids.empty()) return ctx.showHelp();
  ctx.client.runtime();
  forEachIdReportingAll(ids, removal.removeOne);
  return 0;
}

void refuseUnlessForced(const VerbContext& ctx, const std::string& what) {
  if (!ctx.options.flag("force")) throw crix::Error::failedPrecondition(what + " is running, please stop it first");
}

}  // namespace crixctl
