#include <doctest/doctest.h>

#include "core/Base64.h"

using crix::Base64Padding;
using crix::base64Decode;
using crix::base64Encode;

TEST_CASE("base64: RFC 4648 encoding round-trips every length and byte") {
  CHECK(base64Encode("") == "");
  CHECK(base64Encode("a") == "YQ==");
  CHECK(base64Encode("ab") == "YWI=");
  CHECK(base64Encode("user:pass") == "dXNlcjpwYXNz");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 37) {
    const std::string s = all.substr(0, n);
    CHECK(base64Decode(base64Encode(s), Base64Padding::Required) == s);
    CHECK(base64Decode(base64Encode(s)) == s);
  }
}

TEST_CASE("base64: optional padding, as auth files are written") {
  CHECK(base64Decode("YQ==") == "a");
  CHECK(base64Decode("YQ=") == "a");
  CHECK(base64Decode("YQ") == "a");
  CHECK_FALSE(base64Decode("Y").has_value());
  CHECK_FALSE(base64Decode("a b=").has_value());
  CHECK_FALSE(base64Decode("YQ===").has_value());
}

TEST_CASE("base64: required padding and canonical form, as Go's StdEncoding") {
  CHECK(base64Decode("Zm9v\r\nCg==", Base64Padding::Required) == "foo\n");
  CHECK_FALSE(base64Decode("Zm9vCg", Base64Padding::Required).has_value());
  CHECK_FALSE(base64Decode("Zm9vCg=", Base64Padding::Required).has_value());
  CHECK_FALSE(base64Decode("Zm=vCg==", Base64Padding::Required).has_value());
  CHECK_FALSE(base64Decode("Zm9v!g==", Base64Padding::Required).has_value());
  CHECK_FALSE(base64Decode("Zh==", Base64Padding::Required).has_value());  // non-zero unused bits
  CHECK(base64Decode("Zg==", Base64Padding::Required) == "f");
}
