// Metrics: what /metrics reports, in the Prometheus text format: requests answered (by
// status class), and letters sent, deferred and failed and the queue depth, read from
// the delivery ledger when scraped.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "http/services.hpp"

namespace communique {

class Metrics {
 public:
  // Counts one answered request.
  void record(int status);
  // The exposition text; store errors leave the ledger's gauges out.
  std::string render(Store& store) const;

 private:
  std::array<std::atomic<std::uint64_t>, 6> by_class_{};  // 0: other, 1..5: 1xx..5xx
};

HttpResponse handle_metrics(const HttpRequest& request, const RouteServices& services);

}  // namespace communique
