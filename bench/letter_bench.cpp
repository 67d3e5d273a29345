// Letter pipeline benchmark: microseconds per personalised letter (template render, MIME,
// DKIM) for a digest-sized issue, unsigned, RSA-2048 and Ed25519. Prints one JSON object;
// bench/letter_bench.py runs it beside `openssl speed` and prints the ratios.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "mail/letter.hpp"

using namespace communique;

namespace {

// Plans the issue for the day, as the delivery runner does, then composes `letters`.
double microseconds_per_letter(const LetterComposer& composer, PreparedIssue& issue, int letters,
                               std::size_t& size) {
  // With a link key, as every subscriber added since keys exist has.
  Subscriber subscriber{
      .email = "reader@example.org", .name = "Reader", .link_key = std::string(16, '\x5a')};
  const Timestamp now(std::chrono::seconds(1795935947));
  const auto start = std::chrono::steady_clock::now();
  composer.plan(issue, now);
  for (int i = 0; i < letters; ++i) {
    subscriber.id = 1000 + i;
    auto message = composer.compose(issue, subscriber, now, "<bench@example.org>");
    if (!message) {
      std::cerr << message.error().message << "\n";
      std::exit(1);
    }
    size = message->size();
  }
  const std::chrono::duration<double, std::micro> elapsed =
      std::chrono::steady_clock::now() - start;
  return elapsed.count() / letters;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: letter_bench MARKDOWN_FILE [LETTERS]\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream markdown;
  markdown << in.rdbuf();
  const int letters = argc > 2 ? std::stoi(argv[2]) : 2000;

  // A digest: six titled sections, each a copy of the reference letter.
  Issue issue{.id = 1, .kind = IssueKind::digest, .subject = "Weekly digest"};
  for (const char* title : {"News", "Statements", "Briefing", "Travel", "Health", "Culture"}) {
    issue.sections.push_back({title, BodyFormat::markdown, markdown.str()});
  }
  auto templates = load_letter_templates("default", ".");
  auto prepared =
      prepare_issue(issue, MailingList{.id = 1, .name = "Digest"}, std::move(*templates));
  SenderIdentity identity{.organisation = "Embassy Press Office",
                          .from_address = "press@embassy.example.org",
                          .postal_address = "12 Embassy Road, Oslo",
                          .base_url = "https://news.example.org"};
  auto links = *LinkSigner::create(std::string(64, 'k'));
  auto rsa = *DkimKey::generate(DkimAlgorithm::rsa_sha256);
  auto ed = *DkimKey::generate(DkimAlgorithm::ed25519_sha256);

  std::size_t size = 0;
  const LetterComposer unsigned_composer(identity, links, {});
  const LetterComposer rsa_composer(identity, links, {{"embassy.example.org", "s", rsa}});
  const LetterComposer ed_composer(identity, links, {{"embassy.example.org", "e", ed}});
  microseconds_per_letter(unsigned_composer, *prepared, letters / 10, size);  // warm up
  // Three rounds, interleaved; the best of each (the least disturbed by the machine).
  double none = 1e18;
  double with_rsa = 1e18;
  double with_ed = 1e18;
  for (int round = 0; round < 3; ++round) {
    none = std::min(none, microseconds_per_letter(unsigned_composer, *prepared, letters, size));
    with_rsa = std::min(with_rsa, microseconds_per_letter(rsa_composer, *prepared, letters, size));
    with_ed = std::min(with_ed, microseconds_per_letter(ed_composer, *prepared, letters, size));
  }
  fmt::print(
      "{{\"letters\": {}, \"bytes\": {}, \"none_us\": {:.1f}, \"rsa_us\": {:.1f}, "
      "\"ed25519_us\": {:.1f}}}\n",
      letters, size, none, with_rsa, with_ed);
  return 0;
}
