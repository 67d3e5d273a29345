#include "http/metrics.hpp"

#include <fmt/format.h>

namespace communique {

void Metrics::record(int status) {
  const int status_class = status >= 100 && status < 600 ? status / 100 : 0;
  by_class_[static_cast<std::size_t>(status_class)].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::render(Store& store) const {
  std::string out =
      "# HELP communique_http_requests_total HTTP requests answered, by status class.\n"
      "# TYPE communique_http_requests_total counter\n";
  for (std::size_t i = 1; i < by_class_.size(); ++i) {
    out += fmt::format("communique_http_requests_total{{code=\"{}xx\"}} {}\n", i,
                       by_class_[i].load(std::memory_order_relaxed));
  }
  if (auto totals = store.delivery_totals()) {
    out +=
        "# HELP communique_letters_total Letters by their state in the delivery ledger.\n"
        "# TYPE communique_letters_total gauge\n";
    for (const auto& [state, count] :
         {std::pair{"sent", totals->sent}, std::pair{"deferred", totals->deferred},
          std::pair{"failed", totals->failed}, std::pair{"sending", totals->sending},
          std::pair{"skipped", totals->skipped}}) {
      out += fmt::format("communique_letters_total{{state=\"{}\"}} {}\n", state, count);
    }
    out += fmt::format(
        "# HELP communique_queue_depth Letters waiting to be sent (queued or deferred).\n"
        "# TYPE communique_queue_depth gauge\ncommunique_queue_depth {}\n",
        totals->queued + totals->deferred);
  }
  return out;
}

HttpResponse handle_metrics(const HttpRequest&, const RouteServices& services) {
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = services.metrics != nullptr ? services.metrics->render(services.store) : "";
  return response;
}

}  // namespace communique
