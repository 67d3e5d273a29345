// Prints the one-click unsubscribe token of subscribers FIRST..LAST for an issue, one per
// line, signed with the installation's secret and each subscriber's key: bench/http_bench.py posts
// them, so that each request unsubscribes somebody new, as a burst after a large send would.
//
// Usage: link_tokens DATA_DIR CONFIG ISSUE FIRST LAST
#include <cstdlib>
#include <iostream>
#include <string>

#include "app/runtime.hpp"
#include "core/time.hpp"
#include "security/link_binding.hpp"

using namespace communique;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: link_tokens DATA_DIR CONFIG ISSUE FIRST LAST\n";
    return 2;
  }
  GlobalOptions global{.data_dir = argv[1], .config = std::filesystem::path(argv[2])};
  auto runtime = open_runtime(global, Verbosity::quiet);
  auto links = runtime ? make_link_signer(*runtime) : Result<LinkSigner>(runtime.error());
  if (!links) {
    std::cerr << links.error().message << "\n";
    return 1;
  }
  const std::int64_t issue = std::atoll(argv[3]);
  const auto today = day_number(system_clock_now());
  std::string out;
  for (std::int64_t id = std::atoll(argv[4]), last = std::atoll(argv[5]); id <= last; ++id) {
    // Bound to the subscriber's key, as their letter's link is (none for an unknown id).
    auto subscriber = runtime->store->find_subscriber(id);
    out +=
        links->sign({TokenPurpose::unsubscribe, id, issue, today},
                    token_key(TokenPurpose::unsubscribe, subscriber ? subscriber->link_key : ""));
    out += '\n';
  }
  std::cout << out;
  return 0;
}
