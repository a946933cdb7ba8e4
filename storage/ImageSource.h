// Where an image's manifest and blobs come from: a registry, or an archive on
// the node. The puller stores an image the same way from either; a source
// verifies every manifest and blob it hands out against its digest.
#pragma once

#include <cstddef>
#include <string>

#include "storage/registry/Descriptor.h"
#include "storage/registry/RegistryClient.h"

namespace crix::storage {

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // For messages: "127.0.0.1:5000/library/busybox:1.28", "archive busybox.tar".
  virtual std::string describe() const = 0;
  // The manifest or index the source names.
  virtual registry::FetchedManifest topManifest() = 0;
  // A manifest by digest (an index entry).
  virtual registry::FetchedManifest manifest(const digest::Digest& digest) = 0;
  // A small blob (the config) whole; refused above `maxBytes`.
  virtual std::string blobBytes(const registry::Descriptor& blob, std::size_t maxBytes) = 0;
  // Streams a blob into `sink`; returns normally only when size and digest matched.
  virtual void streamBlob(const registry::Descriptor& blob, const registry::BlobSink& sink) = 0;
};

// A repository of a registry, through the shared client.
class RegistryImageSource final : public ImageSource {
 public:
  RegistryImageSource(registry::RegistryClient& client, registry::PullSource source, registry::AuthConfig auth)
      : client_(client), source_(std::move(source)), auth_(std::move(auth)) {}

  std::string describe() const override { return source_.reference.str(); }
  registry::FetchedManifest topManifest() override { return client_.fetchManifest(source_, auth_); }
  registry::FetchedManifest manifest(const digest::Digest& digest) override {
    return client_.fetchManifest(source_, digest, auth_);
  }
  std::string blobBytes(const registry::Descriptor& blob, std::size_t maxBytes) override {
    return client_.fetchBlobBytes(source_, blob, maxBytes, auth_);
  }
  void streamBlob(const registry::Descriptor& blob, const registry::BlobSink& sink) override {
    client_.fetchBlob(source_, blob, sink, auth_);
  }

 private:
  registry::RegistryClient& client_;
  registry::PullSource source_;
  registry::AuthConfig auth_;
};

}  // namespace crix::storage
