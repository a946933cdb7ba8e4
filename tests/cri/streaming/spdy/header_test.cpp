// Header blocks: their uncompressed form, the SPDY dictionary, and zlib
// contexts shared by every block of a session in one direction.
#include <doctest/doctest.h>

#include <zlib.h>

#include "core/Error.h"
#include "cri/streaming/spdy/SpdyDictionary.h"
#include "cri/streaming/spdy/SpdyHeaderBlock.h"
#include "cri/streaming/spdy/SpdyHeaderCompression.h"
#include "cri/streaming/spdy/SpdyWire.h"
#include "tests/support/ErrorOf.h"

using namespace crix::spdy;

namespace {

std::span<const uint8_t> bytesOf(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string decodeError(const std::string& block, HeaderLimits limits = {}) {
  return crix::test::errorOf([&] { decodeHeaderBlock(bytesOf(block), limits); }).what();
}

std::string rawBlock(uint32_t count, std::initializer_list<std::string> strings) {
  std::string out;
  appendU32(out, count);
  for (const auto& s : strings) {
    appendU32(out, static_cast<uint32_t>(s.size()));
    out += s;
  }
  return out;
}

}  // namespace

TEST_CASE("the dictionary is SPDY/3's") {
  const auto dict = headerDictionary();
  REQUIRE(dict.size() == 1423);
  const std::string text(dict.begin(), dict.end());
  CHECK(text.substr(0, 11) == std::string("\0\0\0\7options", 11));
  CHECK(text.ends_with("enq=0."));
  CHECK(adler32(1, dict.data(), static_cast<uInt>(dict.size())) == 0xe3c6a7c2);  // the id in SPDY/3 zlib headers
}

TEST_CASE("header blocks: lower-case names, several values joined by NUL") {
  HeaderBlock h;
  h.add("StreamType", "stdout");
  h.add("Accept", "a");
  h.add("accept", "b");
  CHECK(h.entries().at(0).first == "streamtype");
  CHECK(h.get("STREAMTYPE") == "stdout");
  CHECK(h.get("accept") == std::string_view("a\0b", 3));
  CHECK(h.first("accept") == "a");
  CHECK(h.values("accept") == std::vector<std::string_view>{"a", "b"});
  CHECK_FALSE(h.get("missing"));
  h.set("accept", "c");
  CHECK(h.values("accept") == std::vector<std::string_view>{"c"});

  const std::string wire = encodeHeaderBlock(h);
  CHECK(decodeHeaderBlock(bytesOf(wire), {}) == h);
  CHECK(decodeHeaderBlock(bytesOf(rawBlock(1, {"Port", "80"})), {}).entries().at(0).first == "port");
}

TEST_CASE("malformed or oversized uncompressed blocks are refused") {
  CHECK(decodeError("") == "spdy: malformed header block: truncated before the pair count");
  CHECK(decodeError(rawBlock(1001, {})) == "spdy: malformed header block: 1001 headers is over the limit of 1000");
  CHECK(decodeError(rawBlock(5, {"a", "b"})) == "spdy: malformed header block: count 5 does not fit in 14 bytes");
  std::string lying = rawBlock(1, {});
  appendU32(lying, 0xffffffff);
  appendU32(lying, 0);
  CHECK(decodeError(lying) == "spdy: malformed header block: name length 4294967295 runs past the end");
  CHECK(decodeError(rawBlock(1, {"", "x"})) == "spdy: malformed header block: empty header name");
  CHECK(decodeError(rawBlock(1, {"a", "b"}) + "zz") == "spdy: malformed header block: 2 trailing bytes");
  HeaderLimits small;
  small.maxDecodedSize = 10;
  CHECK(decodeError(rawBlock(1, {"name", "value"}), small) ==
        "spdy: malformed header block: 21 bytes is over the limit of 10");
}

TEST_CASE("one zlib context per direction carries across blocks") {
  HeaderDeflater deflater;
  HeaderInflater inflater(1 << 20);
  const HeaderBlock block{{"streamtype", "stdout"}, {"port", "8080"}, {"requestid", "0"}};
  const std::string wire = encodeHeaderBlock(block);
  std::vector<std::string> compressed;
  for (int i = 0; i < 5; ++i) compressed.push_back(deflater.compress(wire));
  // Later blocks refer back to earlier ones, so they shrink.
  CHECK(compressed[1].size() < compressed[0].size());
  for (const auto& c : compressed) CHECK(inflater.decompress(bytesOf(c)) == wire);

  SUBCASE("a block out of its context does not decode") {
    HeaderInflater fresh(1 << 20);
    CHECK_THROWS_AS(fresh.decompress(bytesOf(compressed[1])), crix::Error);
  }
}

TEST_CASE("a decompression bomb stops at the bound") {
  HeaderDeflater deflater;
  const std::string huge = rawBlock(1, {"x", std::string(4 << 20, 'a')});
  const std::string compressed = deflater.compress(huge);
  CHECK(compressed.size() < 10000);
  HeaderInflater inflater(1 << 20);
  CHECK(std::string(crix::test::errorOf([&] { inflater.decompress(bytesOf(compressed)); }).what()) ==
        "spdy: header block decompresses to more than 1048576 bytes");
}

TEST_CASE("a block compressed with another dictionary is refused") {
  z_stream z{};
  REQUIRE(deflateInit(&z, Z_DEFAULT_COMPRESSION) == Z_OK);
  const std::string other = "not the spdy dictionary";
  deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(other.data()), static_cast<uInt>(other.size()));
  std::string in = rawBlock(1, {"a", "b"});
  unsigned char out[256];
  z.next_in = reinterpret_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = out;
  z.avail_out = sizeof out;
  deflate(&z, Z_SYNC_FLUSH);
  const size_t n = sizeof out - z.avail_out;
  deflateEnd(&z);
  HeaderInflater inflater(1 << 20);
  const std::string message = crix::test::errorOf([&] { inflater.decompress({out, n}); }).what();
  CHECK(message.starts_with("spdy: header block asks for a dictionary that is not SPDY's"));
}
