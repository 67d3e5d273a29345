#include "mail/mime.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <sstream>
#include <vector>

namespace communique {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "a line does not end in CRLF";
    if (end == std::string::npos) {
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string base64_decode(const std::string& text) {
  std::string out(text.size(), '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(text.data()),
                                   static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(size));
  while (!text.empty() && text.back() == '=' && !out.empty() && out.back() == '\0') {
    out.pop_back();  // EVP_DecodeBlock keeps the padding's zero bytes
    if (text.size() >= 2 && text[text.size() - 2] != '=') {
      break;
    }
  }
  return out;
}

// Decodes a header value made of =?utf-8?b?...?= words separated by white space.
std::string decode_words(const std::string& value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?utf-8?b?", pos)) != std::string::npos) {
    const auto end = value.find("?=", pos + 10);
    out += base64_decode(value.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

std::string decode_quoted_printable(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=' && i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
      i += 2;  // soft line break
    } else if (text[i] == '=') {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

TEST(Mime, EncodedWordsRoundTripWithoutSplittingCharacters) {
  const std::string subject =
      "Еженедельный дайджест пресс-службы посольства — визиты, брифинги, путешествия 🎉";
  const auto encoded = encode_unstructured(subject);
  EXPECT_EQ(decode_words(encoded), subject);
  std::istringstream words(encoded);
  std::string word;
  while (words >> word) {
    EXPECT_LE(word.size(), 75u);
    // Each word must decode to whole UTF-8 characters on its own.
    const auto decoded = decode_words(word);
    ASSERT_FALSE(decoded.empty());
    EXPECT_NE(static_cast<unsigned char>(decoded.front()) & 0xC0, 0x80u);
  }
}

TEST(Mime, AsciiStaysReadable) {
  EXPECT_EQ(encode_unstructured("Weekly digest"), "Weekly digest");
  EXPECT_EQ(format_mailbox({"Press Office", "press@example.org"}),
            "\"Press Office\" <press@example.org>");
  EXPECT_EQ(format_mailbox({"Say \"hi\"", "a@example.org"}), "\"Say \\\"hi\\\"\" <a@example.org>");
  EXPECT_EQ(format_mailbox({"", "a@example.org"}), "a@example.org");
  // A name that looks like an encoded word is encoded, so no reader decodes it into another.
  const auto spoof = format_mailbox({"x=?utf-8?b?QQ==?= y", "a@example.org"});
  EXPECT_TRUE(spoof.starts_with("=?utf-8?")) << spoof;
  EXPECT_EQ(spoof.find("\"x=?"), std::string::npos) << spoof;
  EXPECT_EQ(format_mailbox({"Zoë", "z@example.org"}), "=?utf-8?b?Wm/Dqw==?= <z@example.org>");
}

TEST(Mime, NoHeaderCanBeInjected) {
  const auto subject = fold_header("Subject", encode_unstructured("Hi\r\nBcc: victim@example.org"));
  const auto from = fold_header("From", format_mailbox({"Ann\nBcc: x@y.org", "a@example.org"}));
  for (const auto& header : {subject, from}) {
    for (const auto& line : lines_of(header)) {
      EXPECT_FALSE(line.starts_with("Bcc")) << header;
    }
  }
  EXPECT_EQ(subject, "Subject: Hi  Bcc: victim@example.org\r\n");
}

TEST(Mime, FoldsLongHeadersAt78) {
  std::string subject;
  for (int i = 0; i < 30; ++i) {
    subject += "word" + std::to_string(i) + " ";
  }
  const auto header = fold_header("Subject", subject);
  const auto lines = lines_of(header);
  EXPECT_GT(lines.size(), 1u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 78u);
    if (i > 0) {
      EXPECT_EQ(lines[i].front(), ' ');  // continuation lines start with white space
    }
  }
}

TEST(Mime, QuotedPrintableKeepsLinesShortAndRoundTrips) {
  const std::string text = "Short line\nA line with trailing space \n" + std::string(200, 'x') +
                           "\n=equals= and ünïcödé and a tab\tinside\n\nend";
  const auto encoded = quoted_printable(text);
  for (const auto& line : lines_of(encoded)) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_FALSE(line.ends_with(" ")) << line;
  }
  std::string expected = text;
  std::string crlf;
  for (char c : expected) {
    if (c == '\n') {
      crlf += "\r\n";
    } else {
      crlf += c;
    }
  }
  EXPECT_EQ(decode_quoted_printable(encoded), crlf + "\r\n");
}

TEST(Mime, DatesAreRfc5322) {
  EXPECT_EQ(format_rfc5322_date(Timestamp(std::chrono::seconds(1795935947))),
            "Sun, 29 Nov 2026 07:05:47 +0000");
}

TEST(Mime, MessageIsMultipartAlternativeWithCrlfEverywhere) {
  const MimeHeader headers[] = {{"Subject", "Hi"}};
  const auto message = build_alternative_message(headers, "plain ü", "<p>html</p>", "=_b");
  const auto lines = lines_of(message);
  EXPECT_EQ(lines[0], "Subject: Hi");
  EXPECT_EQ(lines[1], "MIME-Version: 1.0");
  EXPECT_EQ(lines[2], "Content-Type: multipart/alternative; boundary=\"=_b\"");
  EXPECT_NE(message.find("plain =C3=BC\r\n--=_b\r\n"), std::string::npos);
  EXPECT_TRUE(message.ends_with("--=_b--\r\n"));
}

}  // namespace
}  // namespace communique
