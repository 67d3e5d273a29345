// DKIM signing (RFC 6376), relaxed/relaxed canonicalization, with rsa-sha256 or
// ed25519-sha256 (RFC 8463); a letter may carry both signatures at once, so receivers that
// know ed25519 use it and the rest fall back to RSA.
//
// Policy: the signed headers are named explicitly (kSignedHeaders), including
// List-Unsubscribe-Post, which one-click unsubscribe requires to be signed. Every field of
// a named header is signed; the headers a reader sees or a mail client acts on are also
// over-signed (RFC 6376 8.15): named in h= once more than they appear, so that a header
// added to a replayed letter (a Reply-To, a second From) breaks the signature instead of
// riding on it. Keys are PEM files; OpenSSL types stay in dkim.cpp. A key signs from many
// threads at once (the runner's composers): each thread keys its own OpenSSL contexts once
// per key and signs from copies of them, so no signing state is shared.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/time.hpp"

namespace communique {

enum class DkimAlgorithm { rsa_sha256, ed25519_sha256 };

// Whether a signed header is named once more in h= than it appears in the message.
enum class Oversign { no, yes };

struct SignedHeader {
  std::string_view name;
  Oversign oversign;
};

inline constexpr SignedHeader kSignedHeaders[] = {
    {"From", Oversign::yes},
    {"To", Oversign::yes},
    {"Subject", Oversign::yes},
    {"Date", Oversign::yes},
    {"Message-ID", Oversign::yes},
    {"Reply-To", Oversign::yes},
    {"Cc", Oversign::yes},
    {"Sender", Oversign::yes},
    // A second Content-Type or MIME-Version would change how a reader's client shows the
    // body the signature covers.
    {"MIME-Version", Oversign::yes},
    {"Content-Type", Oversign::yes},
    {"List-Id", Oversign::yes},
    {"List-Unsubscribe", Oversign::yes},
    {"List-Unsubscribe-Post", Oversign::yes},
    {"Feedback-ID", Oversign::no},
};

class DkimKey {
 public:
  // Reads a PEM private key (RSA or Ed25519); the algorithm follows from the key.
  static Result<DkimKey> from_pem(std::string_view pem);
  static Result<DkimKey> from_file(const std::string& path);
  // A new key: RSA 2048 bits or Ed25519.
  static Result<DkimKey> generate(DkimAlgorithm algorithm);

  DkimAlgorithm algorithm() const { return algorithm_; }
  std::string private_pem() const;
  // The p= value of the DNS record: base64 of the DER public key (RSA) or of the raw 32
  // bytes (Ed25519).
  std::string public_key_base64() const;
  // "v=DKIM1; k=rsa; p=..." as published at SELECTOR._domainkey.DOMAIN.
  std::string dns_record() const;

  // The signature of `data` (for Ed25519, of its SHA-256 digest, as RFC 8463 says).
  Result<std::string> sign(std::string_view data) const;

 private:
  struct Key;
  DkimKey(std::shared_ptr<Key> key, DkimAlgorithm algorithm)
      : key_(std::move(key)), algorithm_(algorithm) {}
  std::shared_ptr<Key> key_;
  DkimAlgorithm algorithm_;
};

struct DkimSigner {
  std::string domain;
  std::string selector;
  DkimKey key;
};

// The DKIM-Signature header (folded, ending in CRLF) for `message` (headers, a blank
// line, the body, all CRLF). Put it at the top of the message.
Result<std::string> dkim_signature(std::string_view message, const DkimSigner& signer,
                                   Timestamp now);

// The same from parts: `header_block` (every header line, each ending in CRLF) and the
// base64 SHA-256 of the body's relaxed canonical form (for callers that hash the body
// themselves, piece by piece).
Result<std::string> dkim_signature_for(std::string_view header_block, std::string_view body_hash,
                                       const DkimSigner& signer, Timestamp now);

// The body hash (bh=) of a body given piece by piece in relaxed canonical form. The letter
// plan hashes once what every letter of an issue begins with, and each letter continues
// from a copy of that state.
class DkimBodyHash {
 public:
  DkimBodyHash();
  DkimBodyHash(const DkimBodyHash& other);  // continues from the same state
  DkimBodyHash& operator=(const DkimBodyHash&) = delete;
  ~DkimBodyHash();

  // Adds canonical bytes (from relaxed_body or append_relaxed_lines).
  void add(std::string_view canonical);
  // The base64 SHA-256 of everything added, for dkim_signature_for. Ends the hash.
  std::string finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// `message` with a signature from each signer prepended.
Result<std::string> dkim_sign(std::string message, std::span<const DkimSigner> signers,
                              Timestamp now);

// Canonical forms. relaxed_body drops trailing empty lines, as for a whole body;
// relaxed_lines keeps them, for a piece of a body made of whole lines (so that the pieces'
// forms concatenate to the form of the whole, when the body does not end in empty lines).
std::string relaxed_body(std::string_view body);
void append_relaxed_lines(std::string& out, std::string_view lines);
std::string relaxed_header(std::string_view name, std::string_view value);

}  // namespace communique
