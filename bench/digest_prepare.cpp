// Digest preparation benchmark: the time to read and render a digest issue's posts
// (prepare_stored_issue: the posts, their translations, every item rendered once, and the
// whole-digest variant), which a run does once before its first letter. Prints one JSON
// object; bench/digest_bench.py runs it on a digest of 10,000 posts.
//
// Usage: digest_prepare DATA_DIR ISSUE
#include <chrono>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "delivery/issue_letters.hpp"
#include "store/open_store.hpp"

using namespace communique;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: digest_prepare DATA_DIR ISSUE\n";
    return 2;
  }
  auto store = open_store(StoreSettings{}, argv[1]);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  auto issue = (*store)->find_issue(std::stoll(argv[2]));
  if (!issue) {
    std::cerr << issue.error().message << "\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto prepared = prepare_stored_issue(**store, *issue, argv[1]);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  if (!prepared) {
    std::cerr << prepared.error().message << "\n";
    return 1;
  }
  std::size_t items = 0;
  for (const auto& section : prepared->sections) {
    items += section.items.size();
  }
  std::cout << fmt::format("{{\"posts\": {}, \"items\": {}, \"seconds\": {:.3f}}}\n",
                           issue->posts.size(), items, elapsed.count());
  return 0;
}
