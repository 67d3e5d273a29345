// feed_parse_dump: a developer's view of what parse_feed reads from a file, for the
// differential test against Python's feedparser (tests/integration/test_feed_parse.py)
// and the parsing benchmark (bench/feed_parse_bench.py).
//
// Usage: feed_parse_dump FILE CONTENT_TYPE BASE_URL [--summary]
// Prints the ParsedFeed as JSON (dates as ISO 8601 UTC), or with --summary only the item
// count, the content bytes and the time parse_feed took, so that printing a large feed
// costs neither time nor memory. A parse error is printed as {"error": ...}, exit 1.
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "core/time.hpp"
#include "feeds/feed_parse.hpp"

namespace {

nlohmann::json date_json(const std::optional<communique::Timestamp>& time) {
  return time ? nlohmann::json(communique::format_iso8601(*time)) : nlohmann::json();
}

nlohmann::json feed_json(const communique::ParsedFeed& feed) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : feed.items) {
    items.push_back({{"guid", item.guid},
                     {"link", item.link},
                     {"title", item.title},
                     {"content_html", item.content_html},
                     {"author", item.author},
                     {"published", date_json(item.published)},
                     {"updated", date_json(item.updated)},
                     {"language", item.language}});
  }
  return {{"format", feed.format},
          {"title", feed.title},
          {"link", feed.link},
          {"language", feed.language},
          {"items", items}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: feed_parse_dump FILE CONTENT_TYPE BASE_URL [--summary]\n";
    return 2;
  }
  const bool summary = argc > 4 && std::string(argv[4]) == "--summary";
  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 2;
  }
  const std::string body((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto start = std::chrono::steady_clock::now();
  const auto feed = communique::parse_feed(body, argv[2], argv[3]);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (!feed) {
    std::cout << nlohmann::json{{"error", feed.error().message}}.dump() << "\n";
    return 1;
  }
  if (summary) {
    std::size_t content_bytes = 0;
    for (const auto& item : feed->items) {
      content_bytes += item.content_html.size();
    }
    std::cout << nlohmann::json{{"items", feed->items.size()},
                                {"content_bytes", content_bytes},
                                {"seconds", took.count()}}
                     .dump()
              << "\n";
    return 0;
  }
  std::cout << feed_json(*feed).dump(2) << "\n";
  return 0;
}
