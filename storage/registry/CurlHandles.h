// RAII owners for libcurl handles.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace crix::registry {

struct CurlEasyCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlShareCleanup {
  void operator()(CURLSH* handle) const { curl_share_cleanup(handle); }
};
struct CurlSlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;
using CurlShare = std::unique_ptr<CURLSH, CurlShareCleanup>;

// A header list; append() keeps ownership in one place even when it fails.
class CurlHeaderList {
 public:
  void append(const char* header) {
    curl_slist* grown = curl_slist_append(list_.get(), header);
    if (grown) {
      (void)list_.release();
      list_.reset(grown);
    }
  }
  curl_slist* get() const { return list_.get(); }

 private:
  std::unique_ptr<curl_slist, CurlSlistFree> list_;
};

}  // namespace crix::registry
