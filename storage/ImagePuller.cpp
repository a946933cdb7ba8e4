#include "storage/ImagePuller.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "core/Error.h"
#include "core/Log.h"
#include "core/WallClock.h"
#include "storage/layer/BackgroundUnpack.h"
#include "storage/registry/ImageConfig.h"
#include "storage/registry/ManifestParser.h"
#include "storage/registry/PlatformMatcher.h"

namespace crix::storage {

using registry::ImageReference;
using registry::PullSource;

namespace {

layer::Compression toLayerCompression(registry::LayerCompression c) {
  switch (c) {
    case registry::LayerCompression::Gzip: return layer::Compression::Gzip;
    case registry::LayerCompression::Zstd: return layer::Compression::Zstd;
    case registry::LayerCompression::None: return layer::Compression::None;
  }
  return layer::Compression::Auto;
}

// Which failure to report when every source failed: the one that says the
// most about the image rather than about a mirror that lacks it.
int errorWeight(StatusCode code) {
  switch (code) {
    case StatusCode::NotFound: return 0;
    case StatusCode::Unavailable: return 1;
    default: return 2;
  }
}

double millis(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

// One line per fetched layer, the figures bench/pull reads to tell network,
// decompression and disk apart.
void logLayerTimings(const std::string& digest, const layer::UnpackStats& stats, std::chrono::nanoseconds total) {
  if (!log::enabled(log::Level::Debug)) return;
  const auto& t = stats.timings;
  log::debug("layer ", digest, " compression=", layer::compressionName(stats.compression),
             " compressed_bytes=", stats.compressedSize, " bytes=", stats.uncompressedSize,
             " total_ms=", millis(total), " wait_ms=", millis(t.reading), " decompress_ms=", millis(t.decompressing),
             " digest_ms=", millis(t.digesting), " write_ms=", millis(t.writing));
}

}  // namespace

ImagePuller::ImagePuller(LayerStore& layers, ImageStore& images, registry::RegistryClient& client,
                         unsigned maxParallelDownloads)
    : layers_(layers), images_(images), client_(client), maxParallel_(std::max(1u, maxParallelDownloads)) {}

ImageRecord ImagePuller::pull(const PullRequest& request, const registry::RegistriesConf& registries) {
  const ImageReference wanted = ImageReference::parse(request.image);
  std::optional<Error> worst;
  std::string tried;
  for (const ImageReference& logical : registries.resolveShortName(wanted)) {
    for (const PullSource& source : registries.pullSources(logical)) {
      try {
        RegistryImageSource from(client_, source, request.auth);
        ImageNames names;
        names.repository = logical.name();
        if (!logical.tag().empty() && !logical.digest()) names.tags.push_back(logical.name() + ":" + logical.tag());
        return store(from, names, request.pinned, request.progress);
      } catch (const Error& e) {
        log::info("pull ", logical.str(), " from ", source.reference.str(), ": ", e.what());
        if (!tried.empty()) tried += "; ";
        tried += source.reference.str() + ": " + e.what();
        if (!worst || errorWeight(e.code()) >= errorWeight(worst->code())) worst = e;
      }
    }
  }
  if (!worst) throw Error::notFound("no registry to pull " + request.image + " from");
  throw Error(worst->code(), "pulling image " + request.image + " failed: " + tried);
}

ImageRecord ImagePuller::store(ImageSource& source, const ImageNames& names, bool pinned,
                               const PullProgressFn& onProgress) {
  const auto started = std::chrono::steady_clock::now();
  registry::FetchedManifest top = source.topManifest();
  registry::FetchedManifest chosen = top;
  registry::ParsedManifest parsed = registry::parseManifest(top.bytes, top.mediaType);
  if (const auto* index = std::get_if<registry::ImageIndex>(&parsed)) {
    const auto& entry = registry::selectManifestForPlatform(*index, registry::hostPlatform());
    chosen = source.manifest(entry.digest);
    parsed = registry::parseManifest(chosen.bytes, chosen.mediaType);
    if (std::holds_alternative<registry::ImageIndex>(parsed))
      throw Error::invalidArgument("image index " + top.digest.str() + " points to another index; refusing nested indexes");
  }
  const auto& manifest = std::get<registry::ImageManifest>(parsed);

  const std::string configBytes = source.blobBytes(manifest.config, registry::kMaxImageConfigBytes);
  const registry::ImageConfig config = registry::parseImageConfig(configBytes);
  if (config.diffIds.size() != manifest.layers.size())
    throw Error::invalidArgument("image " + source.describe() + ": the manifest lists " +
                                 std::to_string(manifest.layers.size()) + " layers but the config has " +
                                 std::to_string(config.diffIds.size()) + " diff_ids");

  std::vector<std::string> diffIds;
  for (const auto& d : config.diffIds) diffIds.push_back(d.str());
  const std::vector<std::string> chain = chainIds(diffIds);

  // Fetch what is missing, at most maxParallel_ layers at once.
  PullProgress progress;
  progress.layersTotal = static_cast<uint32_t>(manifest.layers.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < chain.size(); ++i) {
    if (layers_.has(chain[i])) ++progress.layersDone;
    else {
      missing.push_back(i);
      progress.bytesTotal += static_cast<uint64_t>(std::max<int64_t>(0, manifest.layers[i].descriptor.size));
    }
  }
  std::mutex progressMutex;
  auto report = [&](uint64_t bytes, bool layerDone) {
    if (!onProgress) return;
    std::lock_guard lock(progressMutex);
    progress.bytesDone += bytes;
    if (layerDone) ++progress.layersDone;
    onProgress(progress);
  };
  if (onProgress) onProgress(progress);

  std::atomic<size_t> next{0};
  std::mutex errorMutex;
  std::optional<Error> firstError;
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (;;) {
      const size_t slot = next.fetch_add(1);
      if (slot >= missing.size() || failed.load()) return;
      const size_t i = missing[slot];
      try {
        uint64_t seen = 0;
        fetchLayer(source, manifest.layers[i], diffIds[i], chain[i], i == 0 ? "" : chain[i - 1], [&](uint64_t n) {
          seen += n;
          report(n, false);
        });
        // A layer that another pull fetched while this one waited for it
        // arrives whole: this pull's own count still ends at its total.
        const auto size = static_cast<uint64_t>(std::max<int64_t>(0, manifest.layers[i].descriptor.size));
        report(seen < size ? size - seen : 0, true);
      } catch (const Error& e) {
        std::lock_guard lock(errorMutex);
        if (!firstError) firstError = e;
        failed = true;
      } catch (const std::exception& e) {
        std::lock_guard lock(errorMutex);
        if (!firstError) firstError = Error::internal(e.what());
        failed = true;
      }
    }
  };
  const size_t threads = std::min<size_t>(maxParallel_, missing.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
  if (firstError) throw *firstError;

  ImageRecord record;
  record.id = manifest.config.digest.str();
  record.repoTags = names.tags;
  if (!names.repository.empty()) {
    record.repoDigests.push_back(names.repository + "@" + top.digest.str());
    if (chosen.digest != top.digest) record.repoDigests.push_back(names.repository + "@" + chosen.digest.str());
  }
  record.layers = chain;
  record.manifestDigest = chosen.digest.str();
  for (const auto& id : chain)
    if (auto l = layers_.get(id)) record.size += l->size;
  record.user = config.config.user;
  record.pinned = pinned;
  record.pulledAtNanos = nowNanos();
  ImageRecord stored = images_.add(record, configBytes, chosen.bytes);

  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log::info("stored ", stored.id, " from ", source.describe(), ": ", missing.size(),
            " of ", chain.size(), " layers fetched in ", secs, " s");
  return stored;
}

void ImagePuller::fetchLayer(ImageSource& source, const registry::ImageLayer& layer, const std::string& diffId,
                             const std::string& chainId, const std::string& parent,
                             const std::function<void(uint64_t)>& onBytes) {
  layerFlights_.run(chainId, [&]() -> bool {
    if (layers_.has(chainId)) return true;  // another pull finished it meanwhile

    const auto started = std::chrono::steady_clock::now();
    layer::UnpackOptions options;
    options.declared = toLayerCompression(layer.compression);
    options.computeBlobDigest = false;  // the registry client verifies the blob as it downloads
    options.layerName = layer.descriptor.digest.str();
    layer::BackgroundUnpack unpack(layers_.dir(), options);
    try {
      source.streamBlob(layer.descriptor, [&](std::string_view chunk) {
        // False: the unpack failed; finish() below says why.
        if (!unpack.write(chunk.data(), chunk.size())) throw Error(StatusCode::Aborted, "unpacking stopped");
        onBytes(chunk.size());
      });
    } catch (const Error& e) {
      // The unpack's reason (a hostile entry, a corrupt stream) says more
      // than the download being cut short because of it.
      if (e.code() == StatusCode::Aborted) unpack.finish();
      unpack.abort(e);
      throw;
    }
    layer::UnpackedLayer unpacked = unpack.finish();
    logLayerTimings(layer.descriptor.digest.str(), unpacked.stats, std::chrono::steady_clock::now() - started);

    if (unpacked.stats.diffId != diffId)
      throw Error::dataLoss("layer " + layer.descriptor.digest.str() + " unpacks to " + unpacked.stats.diffId +
                            " but the image config says " + diffId);
    LayerRecord record{chainId, diffId, parent, layer.descriptor.digest.str(), unpacked.stats.uncompressedSize};
    layers_.commit(std::move(unpacked.staged), record);
    return true;
  });
}

}  // namespace crix::storage
