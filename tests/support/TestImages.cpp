#include "tests/support/TestImages.h"

#include <stdexcept>

#include "tests/support/Subprocess.h"

namespace crix::test {

nlohmann::json busyboxRecipe(const std::string& tag) {
  using nlohmann::json;
  return {
      {"tag", tag},
      {"config", {{"Cmd", {"/bin/sh"}}, {"Env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}}}},
      {"layers",
       {{{"compression", "gzip"},
         {"entries",
          {{{"path", "bin/busybox"}, {"from", "/bin/busybox"}, {"mode", 0755}},
           {{"path", "bin/sh"}, {"symlink", "busybox"}},
           {{"path", "etc/passwd"},
            {"content",
             "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"
             "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"}},
           {{"path", "etc/group"}, {"content", "root:x:0:\napp:x:1000:\nnogroup:x:65534:\n"}},
           {{"path", "tmp"}, {"dir", true}, {"mode", 01777}}}}}}},
  };
}

std::string buildImage(const nlohmann::json& recipe, const std::string& layoutDir) {
  const std::string recipePath = layoutDir + ".recipe.json";
  writeFile(recipePath, recipe.dump());
  const auto r = runProcess({"/usr/bin/python3", CRIX_SOURCE_ROOT "/contrib/test-images/build-image.py", recipePath,
                             "--out", layoutDir},
                            std::chrono::seconds(120));
  if (r.exitCode != 0) throw std::runtime_error("build-image.py failed: " + r.err + r.out);
  std::string digest = r.out;
  while (!digest.empty() && (digest.back() == '\n' || digest.back() == ' ')) digest.pop_back();
  return digest;
}

void pushImage(const std::string& layoutDir, const std::string& tag, const std::string& destination, bool multiArch,
               const std::string& credentials) {
  std::vector<std::string> argv{"/usr/bin/skopeo", "copy", "--quiet", "--dest-tls-verify=false"};
  if (multiArch) argv.push_back("--all");
  if (!credentials.empty()) argv.insert(argv.end(), {"--dest-creds", credentials});
  argv.push_back("oci:" + layoutDir + ":" + tag);
  argv.push_back("docker://" + destination);
  const auto r = runProcess(argv, std::chrono::seconds(120));
  if (r.exitCode != 0) throw std::runtime_error("skopeo copy to " + destination + " failed: " + r.err + r.out);
}

}  // namespace crix::test
