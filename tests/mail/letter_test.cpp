#include "mail/letter.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;

const std::filesystem::path kTests = COMMUNIQUE_TESTS_DIR;

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

SenderIdentity identity() {
  return SenderIdentity{.organisation = "Embassy Press Office",
                        .from_address = "press@embassy.example.org",
                        .reply_to = "info@embassy.example.org",
                        .postal_address = "12 Embassy Road, Oslo 0244, Norway",
                        .copyright = "© 2026 Embassy Press Office",
                        .social = {{"Telegram", "https://t.me/embassy"}},
                        .base_url = "https://news.embassy.example.org"};
}

class LetterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    issue_.id = 7;
    issue_.subject = "Weekly digest — Неделя 48";
    issue_.language = "en";
    issue_.sections = {{"", BodyFormat::markdown, read(kTests / "golden/reference_letter.md")}};
    list_ = MailingList{.id = 3, .name = "Press releases"};
    subscriber_ = Subscriber{.id = 42,
                             .email = "ann@example.org",
                             .name = "Ann Müller",
                             .attributes_json = R"({"city":"Oslo"})"};
  }

  PreparedIssue prepare(const std::string& template_name = "default") {
    auto templates = load_letter_templates(template_name, kTests / "golden");
    EXPECT_TRUE(templates) << (templates ? "" : templates.error().message);
    auto prepared = prepare_issue(issue_, list_, std::move(*templates));
    EXPECT_TRUE(prepared);
    return std::move(*prepared);
  }

  LetterComposer composer(std::vector<DkimSigner> signers = {}) {
    return LetterComposer(identity(), *LinkSigner::create(std::string(64, 'k')),
                          std::move(signers));
  }

  Issue issue_;
  MailingList list_;
  Subscriber subscriber_;
};

TEST_F(LetterTest, MatchesTheGoldenFileByteForByte) {
  auto message =
      composer().compose(prepare(), subscriber_, fixed_time(), "<golden@embassy.example.org>");
  ASSERT_TRUE(message) << message.error().message;
  const auto golden_path = kTests / "golden/reference_letter.eml";
  const auto expected = read(golden_path);
  if (*message != expected && std::getenv("COMMUNIQUE_UPDATE_GOLDEN") != nullptr) {
    // Regenerating writes the new letter and still fails this run, so that a regenerated
    // file is always compared by a later run (and CI, which never sets the variable, can
    // never pass by rewriting its own expectation).
    std::ofstream(golden_path, std::ios::binary) << *message;
    FAIL() << "wrote " << golden_path << ": review its diff, then run the tests again";
  }
  EXPECT_EQ(*message, expected)
      << "run with COMMUNIQUE_UPDATE_GOLDEN=1 to write the new letter and review its diff";
}

TEST_F(LetterTest, EveryLineEndsInCrlfAndStaysShort) {
  auto message = *composer().compose(prepare(), subscriber_, fixed_time(), "<x@example.org>");
  std::size_t start = 0;
  bool in_headers = true;
  while (start < message.size()) {
    const auto end = message.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    ASSERT_EQ(message.substr(start, end - start).find('\n'), std::string::npos);
    const auto length = end - start;
    if (length == 0) {
      in_headers = false;
    }
    EXPECT_LE(length, in_headers ? 998u : 76u);
    start = end + 2;
  }
}

TEST_F(LetterTest, CarriesTheListHeadersAndPersonalLinks) {
  const auto c = composer();
  auto message = *c.compose(prepare(), subscriber_, fixed_time(), "<x@example.org>");
  EXPECT_NE(message.find("List-Id: \"Press releases\" <press-releases.embassy.example.org>\r\n"),
            std::string::npos);
  EXPECT_NE(message.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
            std::string::npos);
  EXPECT_NE(message.find("Feedback-ID: 7:3:letter:communique\r\n"), std::string::npos);
  EXPECT_NE(message.find("Reply-To: info@embassy.example.org\r\n"), std::string::npos);

  // The unsubscribe link verifies as this subscriber and this issue, and nothing else.
  const auto context = c.context(prepare(), subscriber_, fixed_time());
  const std::string url = context["links"]["unsubscribe"];
  ASSERT_TRUE(url.starts_with("https://news.embassy.example.org/unsubscribe/"));
  const auto token = url.substr(url.rfind('/') + 1);
  auto claims = LinkSigner::create(std::string(64, 'k'))->verify(token, TokenPurpose::unsubscribe);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->subscriber, 42);
  EXPECT_EQ(claims->issue, 7);
  EXPECT_NE(message.find("<mailto:unsubscribe@embassy.example.org?subject=unsubscribe-" + token),
            std::string::npos);
}

TEST_F(LetterTest, TheContextHoldsOnlyWhatIsDocumented) {
  const auto context = composer().context(prepare(), subscriber_, fixed_time());
  std::vector<std::string> keys;
  for (const auto& [key, value] : context.items()) {
    keys.push_back(key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"content", "issue", "links", "sender", "subscriber"}));
  EXPECT_EQ(context["subscriber"]["attributes"]["city"], "Oslo");
  EXPECT_FALSE(context["sender"].contains("from_address_password"));
}

TEST_F(LetterTest, HeaderInjectionThroughSubjectOrNameIsImpossible) {
  issue_.subject = "Hello\r\nBcc: everyone@example.org";
  subscriber_.name = "Ann\nBcc: else@example.org";
  auto message = *composer().compose(prepare(), subscriber_, fixed_time(), "<x@example.org>");
  const auto headers = message.substr(0, message.find("\r\n\r\n"));
  EXPECT_EQ(headers.find("\r\nBcc:"), std::string::npos);
  EXPECT_EQ(headers.find("\nBcc:"), std::string::npos);
}

TEST_F(LetterTest, ATypicalDigestStaysUnderGmailsClippingSize) {
  std::string body;
  for (int i = 0; i < 12; ++i) {
    body += "## Item " + std::to_string(i) + "\n\n" + read(kTests / "golden/reference_letter.md");
  }
  issue_.sections = {{"", BodyFormat::markdown, body}};
  const auto context = composer().context(prepare(), subscriber_, fixed_time());
  auto html = prepare().templates.html.render(context);
  ASSERT_TRUE(html);
  EXPECT_LT(html->size(), 102u * 1024u) << "the HTML part would be clipped by Gmail";
}

TEST_F(LetterTest, TemplatesAreCheckedByName) {
  auto traversal = load_letter_templates("../etc/passwd", kTests);
  ASSERT_FALSE(traversal);
  EXPECT_EQ(traversal.error().code, ErrorCode::invalid_input);
  auto missing = load_letter_templates("nope", kTests / "golden");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope.html"), std::string::npos);
  auto broken = load_letter_templates("broken", kTests / "golden");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message, "broken.html line 3, column 1: Unclosed section \"issue\"");
}

// The decoded text and HTML parts of a message (quoted-printable undone).
std::pair<std::string, std::string> decoded_parts(const std::string& message) {
  std::vector<std::string> parts;
  constexpr std::string_view kStart = "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  std::size_t pos = 0;
  while ((pos = message.find(kStart, pos)) != std::string::npos) {
    pos += kStart.size();
    const auto end = message.find("\r\n--=_", pos);
    const std::string encoded = message.substr(pos, end - pos);
    std::string decoded;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
      if (encoded[i] == '=' && encoded.compare(i + 1, 2, "\r\n") == 0) {
        i += 2;
      } else if (encoded[i] == '=') {
        decoded += static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += encoded[i];
      }
    }
    parts.push_back(decoded);
  }
  EXPECT_EQ(parts.size(), 2u);
  return parts.size() == 2 ? std::pair{parts[0], parts[1]} : std::pair<std::string, std::string>{};
}

std::string headers_of(const std::string& message) {
  auto headers = message.substr(0, message.find("\r\n\r\n"));
  return headers.substr(0, headers.find("Content-Type: multipart"));  // boundaries differ
}

TEST_F(LetterTest, APlannedLetterIsTheFullyRenderedOne) {
  subscriber_.name = "Ann \"O'Neil\" <Müller> & Co";
  for (const std::string name : {"default", "personal"}) {
    auto prepared = prepare(name);
    const auto c = composer();
    auto full = c.compose(prepared, subscriber_, fixed_time(), "<x@example.org>");
    c.plan(prepared, fixed_time());
    ASSERT_NE(prepared.plan, nullptr) << name;
    auto planned = c.compose(prepared, subscriber_, fixed_time(), "<x@example.org>");
    ASSERT_TRUE(full && planned);
    EXPECT_EQ(headers_of(*planned), headers_of(*full)) << name;
    EXPECT_EQ(decoded_parts(*planned), decoded_parts(*full)) << name;
    EXPECT_NE(*planned, *full);  // it did take the planned path (other boundary)
  }
}

TEST_F(LetterTest, PlannedLettersCarryEachSubscribersValues) {
  auto prepared = prepare("personal");
  const auto c = composer();
  c.plan(prepared, fixed_time());
  auto ann = decoded_parts(*c.compose(prepared, subscriber_, fixed_time(), "<a@example.org>"));
  subscriber_ = Subscriber{.id = 43,
                           .email = "bob@example.org",
                           .name = "Bob",
                           .attributes_json = R"({"city":"Rome","visits":3})"};
  auto bob = decoded_parts(*c.compose(prepared, subscriber_, fixed_time(), "<b@example.org>"));
  EXPECT_NE(ann.second.find("Dear Ann Müller from Oslo ()"), std::string::npos) << ann.second;
  EXPECT_NE(bob.second.find("Dear Bob from Rome (3)"), std::string::npos) << bob.second;
  EXPECT_NE(bob.first.find("Dear Bob from Rome\r\nLeave: https://"), std::string::npos);
}

TEST_F(LetterTest, TemplatesThatBranchOnPersonalValuesAreRenderedInFull) {
  auto prepared = prepare("branching");
  const auto c = composer();
  c.plan(prepared, fixed_time());
  EXPECT_EQ(prepared.plan, nullptr);
  subscriber_.name = "";
  auto anonymous = decoded_parts(*c.compose(prepared, subscriber_, fixed_time(), "<a@x.org>"));
  EXPECT_NE(anonymous.second.find("Dear reader"), std::string::npos);
  subscriber_.name = "Ann";
  auto named = decoded_parts(*c.compose(prepared, subscriber_, fixed_time(), "<b@x.org>"));
  EXPECT_NE(named.second.find("Dear Ann"), std::string::npos);
}

TEST_F(LetterTest, ASubscribersAttributesCannotForgeTrackingMarks) {
  auto prepared = prepare("personal");
  prepared.personal_tracking = true;  // every letter rendered in full, its marks made personal
  subscriber_.attributes_json =
      R"({"city":"\u0001Lx\u0002 \u0001L99999999999999999999\u0002 \u0001O\u0002"})";
  const auto c = composer();
  auto parts = c.preview(prepared, subscriber_, fixed_time());
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_NE(parts->text.find("from Lx L99999999999999999999 O"), std::string::npos) << parts->text;
  EXPECT_EQ(parts->text.find("/o/"), std::string::npos);
}

TEST_F(LetterTest, CharacterReferencesCannotWriteTheComposersOwnMarkers) {
  // &#1; and &#2; are the bytes that open and close a personal slot in a planned letter.
  issue_.sections = {{"", BodyFormat::markdown, "Marks: A[&#1;0&#2;] B[&#1;3&#2;] &#27;[31m\n"}};
  auto prepared = prepare();
  const auto c = composer();
  c.plan(prepared, fixed_time());
  auto parts = decoded_parts(*c.compose(prepared, subscriber_, fixed_time(), "<m@x.org>"));
  EXPECT_NE(parts.first.find("Marks: A[&#1;0&#2;] B[&#1;3&#2;] &#27;[31m"), std::string::npos)
      << parts.first;
  EXPECT_EQ(parts.first.find("ann@example.org]"), std::string::npos);
  EXPECT_EQ(parts.first.find('\x1B'), std::string::npos);
}

TEST_F(LetterTest, MarksThatNameNoLinkAreLeftAsTheyAre) {
  auto prepared = prepare();
  prepared.personal_tracking = true;
  const std::string text = "a \x01Lx\x02 b \x01L99999999999999999999\x02 c \x01L\x02";
  EXPECT_EQ(composer().personalise_tracking(text, prepared, 42, fixed_time(), PersonalLinks::live),
            text);
  EXPECT_NE(composer()
                .personalise_tracking("\x01L5\x02", prepared, 42, fixed_time(), PersonalLinks::live)
                .find("/l/"),
            std::string::npos);
}

// What a letter's link of `kind` (its path's first segment) is signed for.
TokenPurpose purpose_of(const std::string& kind) {
  return kind == "unsubscribe"   ? TokenPurpose::unsubscribe
         : kind == "preferences" ? TokenPurpose::preferences
         : kind == "l"           ? TokenPurpose::click
                                 : TokenPurpose::open;
}

TEST_F(LetterTest, APreviewsPersonalLinksOpenNothingWhileTheLettersDo) {
  auto prepared = prepare();
  prepared.personal_tracking = true;  // as track_links leaves an issue tracking subscribers
  prepared.sections.back().html += "<a href=\"\x01L5\x02\">more</a><img src=\"\x01O\x02\">";
  const auto c = composer();
  const auto signer = *LinkSigner::create(std::string(64, 'k'));
  const std::regex link(
      "https://news\\.embassy\\.example\\.org/(unsubscribe|preferences|l|o)/([A-Za-z0-9_-]{43})");
  const auto links_in = [&](const std::string& text) {
    std::vector<std::pair<std::string, std::string>> found;  // kind, token
    for (auto it = std::sregex_iterator(text.begin(), text.end(), link);
         it != std::sregex_iterator(); ++it) {
      found.emplace_back((*it)[1].str(), (*it)[2].str());
    }
    return found;
  };

  auto preview = c.preview(prepared, subscriber_, fixed_time());
  ASSERT_TRUE(preview) << preview.error().message;
  std::set<std::string> kinds;
  for (const auto& [kind, token] : links_in(preview->html + preview->text)) {
    kinds.insert(kind);
    for (auto purpose : {TokenPurpose::unsubscribe, TokenPurpose::preferences,
                         TokenPurpose::confirm, TokenPurpose::view_online, TokenPurpose::privacy,
                         TokenPurpose::click, TokenPurpose::open}) {
      EXPECT_FALSE(signer.verify(token, purpose)) << kind << " " << token;
    }
    auto claims = signer.verify(token, TokenPurpose::preview);
    ASSERT_TRUE(claims) << kind;
    EXPECT_EQ(claims->subscriber, 0);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"unsubscribe", "preferences", "l", "o"}));

  // The letter sent, rendered in full by the same code, keeps live links.
  const auto [text, html] =
      decoded_parts(*c.compose(prepared, subscriber_, fixed_time(), "<p@x.org>"));
  kinds.clear();
  for (const auto& [kind, token] : links_in(text + html)) {
    kinds.insert(kind);
    auto claims = signer.verify(token, purpose_of(kind));
    ASSERT_TRUE(claims) << kind;
    EXPECT_EQ(claims->subscriber, 42);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"unsubscribe", "preferences", "l", "o"}));
}

TEST_F(LetterTest, APlanServesOneDayOnly) {
  auto prepared = prepare();
  const auto c = composer();
  c.plan(prepared, fixed_time());
  const auto tomorrow = fixed_time(24 * 3600);
  auto letter = c.compose(prepared, subscriber_, tomorrow, "<x@example.org>");
  ASSERT_TRUE(letter);
  EXPECT_NE(decoded_parts(*letter).first.find("30 November 2026"), std::string::npos);
}

}  // namespace
}  // namespace communique
