#include "tests/support/TestCertificates.h"

#include "tests/support/Subprocess.h"

namespace crix::test {

namespace fs = std::filesystem;

Certificates makeCertificates(const fs::path& dir) {
  fs::create_directories(dir);
  const std::string openssl = "/usr/bin/openssl";
  Certificates c{dir / "ca.crt", dir / "server.crt", dir / "server.key", dir / "client.cert", dir / "client.key"};
  const auto key = [&](const fs::path& path) {
    runChecked({openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path.string()});
  };
  const fs::path caKey = dir / "ca.key";
  key(caKey);
  runChecked({openssl, "req", "-x509", "-new", "-key", caKey.string(), "-out", c.caCert.string(), "-days", "2",
              "-subj", "/CN=crix test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
              "keyUsage=critical,keyCertSign,cRLSign"});
  const auto issue = [&](const fs::path& keyPath, const fs::path& certPath, const std::string& cn,
                         const std::string& extensions) {
    key(keyPath);
    const fs::path csr = dir / (cn + ".csr");
    const fs::path ext = dir / (cn + ".ext");
    writeFile(ext, extensions);
    runChecked({openssl, "req", "-new", "-key", keyPath.string(), "-out", csr.string(), "-subj", "/CN=" + cn});
    runChecked({openssl, "x509", "-req", "-in", csr.string(), "-CA", c.caCert.string(), "-CAkey", caKey.string(),
                "-CAcreateserial", "-out", certPath.string(), "-days", "2", "-extfile", ext.string()});
  };
  issue(c.serverKey, c.serverCert, "127.0.0.1",
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  issue(c.clientKey, c.clientCert, "crix-client", "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
  return c;
}

}  // namespace crix::test
