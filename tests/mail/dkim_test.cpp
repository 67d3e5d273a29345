#include "mail/dkim.hpp"

#include <gtest/gtest.h>

namespace communique {
namespace {

// A header without its folding, so a test can look for a tag whole.
std::string unfolded(std::string header) {
  for (auto at = header.find("\r\n\t"); at != std::string::npos; at = header.find("\r\n\t")) {
    header.erase(at, 3);
  }
  return header;
}

// RFC 6376, section 3.4.5: the example of relaxed canonicalization.
TEST(Dkim, RelaxedCanonicalizationMatchesTheRfcExample) {
  EXPECT_EQ(relaxed_header("A", " X "), "a:X");
  EXPECT_EQ(relaxed_header("B ", " Y \t\r\n\tZ  "), "b:Y Z");
  EXPECT_EQ(relaxed_body(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
  EXPECT_EQ(relaxed_body(""), "");
  EXPECT_EQ(relaxed_body("\r\n\r\n"), "");
  EXPECT_EQ(relaxed_body("no final line break"), "no final line break\r\n");
}

TEST(Dkim, SignsTheListedHeadersAndOversignsThoseAReaderSees) {
  auto key = DkimKey::generate(DkimAlgorithm::ed25519_sha256);
  ASSERT_TRUE(key);
  const std::string message =
      "From: a@example.org\r\nTo: b@example.org\r\nSubject: Hi\r\nX-Other: no\r\n"
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nBody\r\n";
  const DkimSigner signer{"example.org", "sel", *key};
  auto header = dkim_signature(message, signer, Timestamp(std::chrono::seconds(1000)));
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_TRUE(header->starts_with("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;"));
  EXPECT_NE(unfolded(*header).find("h=from:from:to:to:subject:subject:date:message-id:reply-to:"
                                   "cc:sender:mime-version:content-type:list-id:"
                                   "list-unsubscribe:list-unsubscribe-post:"
                                   "list-unsubscribe-post;"),
            std::string::npos)
      << *header;
  EXPECT_NE(header->find("t=1000;"), std::string::npos);
  EXPECT_NE(header->find("d=example.org;"), std::string::npos);
  EXPECT_EQ(header->find("x-other"), std::string::npos);
  // Ed25519 is deterministic: the same input gives the same signature.
  EXPECT_EQ(*header, *dkim_signature(message, signer, Timestamp(std::chrono::seconds(1000))));
}

TEST(Dkim, KeysRoundTripThroughPem) {
  for (auto algorithm : {DkimAlgorithm::rsa_sha256, DkimAlgorithm::ed25519_sha256}) {
    auto key = DkimKey::generate(algorithm);
    ASSERT_TRUE(key);
    auto again = DkimKey::from_pem(key->private_pem());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->algorithm(), algorithm);
    EXPECT_EQ(again->public_key_base64(), key->public_key_base64());
  }
  auto ed = DkimKey::generate(DkimAlgorithm::ed25519_sha256);
  EXPECT_EQ(ed->public_key_base64().size(), 44u);  // 32 raw bytes
  EXPECT_TRUE(ed->dns_record().starts_with("v=DKIM1; k=ed25519; p="));
  auto nonsense = DkimKey::from_pem("-----BEGIN PRIVATE KEY-----\nnonsense\n");
  ASSERT_FALSE(nonsense);
  EXPECT_EQ(nonsense.error().message, "not a PEM private key");
}

TEST(Dkim, ABodyHashOfPiecesContinuedFromACopyIsTheHashOfTheWhole) {
  // The SHA-256 of the canonical body, base64 (as `openssl dgst -sha256 -binary | base64`).
  const std::string first = relaxed_body("Hi.\r\n\r\nWe lost the game. Are you hungry yet?\r\n");
  DkimBodyHash whole;
  whole.add(first);
  EXPECT_EQ(whole.finish(), "aB3JHhL6YfMiNbWX8XRnLJvbWmh93GDFE5RlKDnCXMM=");

  DkimBodyHash shared;
  shared.add(first.substr(0, 5));
  DkimBodyHash letter(shared);  // continues from the shared state
  letter.add(first.substr(5));
  EXPECT_EQ(letter.finish(), "aB3JHhL6YfMiNbWX8XRnLJvbWmh93GDFE5RlKDnCXMM=");
  DkimBodyHash other(shared);  // the copy left the shared state as it was
  other.add(first.substr(5));
  EXPECT_EQ(other.finish(), "aB3JHhL6YfMiNbWX8XRnLJvbWmh93GDFE5RlKDnCXMM=");
}

TEST(Dkim, RefusesAMessageWithoutABody) {
  auto key = DkimKey::generate(DkimAlgorithm::ed25519_sha256);
  auto signature = dkim_signature("From: a@example.org\r\n", {"example.org", "s", *key},
                                  Timestamp(std::chrono::seconds(1)));
  ASSERT_FALSE(signature);
  EXPECT_EQ(signature.error().message, "the message has no blank line after its headers");
}

}  // namespace
}  // namespace communique
