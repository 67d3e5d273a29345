#include "mail/dkim.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fmt/format.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "base/base64.hpp"
#include "base/text.hpp"

namespace communique {

// The key, and SHA-256 looked up once: OpenSSL 3 fetches an algorithm by name on every
// implicit use, a cost comparable to an Ed25519 signature.
struct DkimKey::Key {
  explicit Key(EVP_PKEY* key)
      : pkey(key), sha256(EVP_MD_fetch(nullptr, "SHA256", nullptr)), id(next_id()) {}
  ~Key() {
    EVP_MD_free(sha256);
    EVP_PKEY_free(pkey);
  }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  EVP_PKEY* pkey;
  EVP_MD* sha256;
  const std::uint64_t id;  // names the key in each thread's keyed contexts

 private:
  static std::uint64_t next_id() {
    static std::atomic<std::uint64_t> last{0};
    return ++last;
  }
};

namespace {

std::string base64_encode(const unsigned char* data, std::size_t size) {
  return base64(std::string_view(reinterpret_cast<const char*>(data), size));
}

// SHA-256 looked up once for every body hash, for the reason DkimKey::Key gives.
const EVP_MD* sha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

struct HeaderField {
  std::string_view name;
  std::string_view value;  // everything after the colon, folding included, without final CRLF
};

std::vector<HeaderField> split_headers(std::string_view block) {
  std::vector<HeaderField> fields;
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t end = block.find("\r\n", pos);
    while (end != std::string_view::npos && end + 2 < block.size() && is_wsp(block[end + 2])) {
      end = block.find("\r\n", end + 2);  // a continuation line
    }
    if (end == std::string_view::npos) {
      end = block.size();
    }
    const std::string_view field = block.substr(pos, end - pos);
    const auto colon = field.find(':');
    if (colon != std::string_view::npos) {
      fields.push_back({field.substr(0, colon), field.substr(colon + 1)});
    }
    pos = end + 2;
  }
  return fields;
}

// Folds a DKIM-Signature value at its "; " separators. A tag too long for a line is split
// where the grammar allows folding white space: after a colon in h=, anywhere in the
// base64 of bh= and b=. Relaxed canonicalization and the b= rules make the folding
// invisible to verifiers.
std::string fold_signature(const std::vector<std::string>& tags) {
  constexpr std::size_t kLine = 78;
  std::string out = "DKIM-Signature:";
  std::size_t line = out.size();
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const std::string tag = tags[i] + (i + 1 < tags.size() ? ";" : "");
    if (line + 1 + tag.size() <= kLine) {
      out += ' ' + tag;
      line += 1 + tag.size();
      continue;
    }
    out += "\r\n\t";
    line = 1;
    const bool base64 = tag.starts_with("b=") || tag.starts_with("bh=");
    std::size_t pos = 0;
    while (tag.size() - pos > kLine - line) {
      std::size_t cut = pos + (kLine - line);
      if (!base64) {
        const auto colon = tag.rfind(':', cut - 1);
        if (colon == std::string::npos || colon < pos) {
          break;  // no place to fold: leave the rest on this line
        }
        cut = colon + 1;
      }
      out += tag.substr(pos, cut - pos) + "\r\n\t";
      line = 1;
      pos = cut;
    }
    out += tag.substr(pos);
    line += tag.size() - pos;
  }
  return out;
}

}  // namespace

namespace {

// Appends the relaxed form of `body`; with `keep_trailing`, trailing empty lines stay.
void canonicalize_body(std::string& out, std::string_view body, bool keep_trailing) {
  std::size_t pos = 0;
  std::size_t pending_empty = 0;  // empty lines held back: trailing ones are dropped
  while (pos < body.size()) {
    auto end = body.find("\r\n", pos);
    const bool last = end == std::string_view::npos;
    if (last) {
      end = body.size();
    }
    const std::string_view line = body.substr(pos, end - pos);
    // Trailing white space goes; inner runs become one space.
    std::size_t stop = line.size();
    while (stop > 0 && is_wsp(line[stop - 1])) {
      --stop;
    }
    if (stop == 0) {
      ++pending_empty;
    } else {
      for (; pending_empty > 0; --pending_empty) {
        out += "\r\n";
      }
      std::size_t run_start = 0;
      for (std::size_t i = 0; i < stop; ++i) {
        if (!is_wsp(line[i])) {
          continue;
        }
        std::size_t j = i;
        while (j < stop && is_wsp(line[j])) {
          ++j;
        }
        if (j - i == 1 && line[i] == ' ') {
          i = j - 1;
          continue;  // a single space is already canonical
        }
        out.append(line.substr(run_start, i - run_start));
        out += ' ';
        run_start = j;
        i = j - 1;
      }
      out.append(line.substr(run_start, stop - run_start));
      out += "\r\n";
    }
    pos = last ? body.size() : end + 2;
  }
  if (keep_trailing) {
    for (; pending_empty > 0; --pending_empty) {
      out += "\r\n";
    }
  }
}

}  // namespace

std::string relaxed_body(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  canonicalize_body(out, body, false);
  return out;
}

void append_relaxed_lines(std::string& out, std::string_view lines) {
  canonicalize_body(out, lines, true);
}

std::string relaxed_header(std::string_view name, std::string_view value) {
  std::string out = ascii_lower(trim(name));
  out += ':';
  std::string folded;
  for (char c : value) {
    if (c != '\r' && c != '\n') {
      folded += c;
    }
  }
  bool in_space = false;
  std::string collapsed;
  for (char c : folded) {
    if (is_wsp(c)) {
      in_space = true;
      continue;
    }
    if (in_space && !collapsed.empty()) {
      collapsed += ' ';
    }
    in_space = false;
    collapsed += c;
  }
  out += collapsed;
  return out;
}

Result<DkimKey> DkimKey::from_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (pkey == nullptr) {
    return make_error(ErrorCode::invalid_input, "not a PEM private key");
  }
  auto key = std::make_shared<Key>(pkey);
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(pkey) < 1024) {
        return make_error(ErrorCode::invalid_input, "the RSA key is shorter than 1024 bits");
      }
      return DkimKey(std::move(key), DkimAlgorithm::rsa_sha256);
    case EVP_PKEY_ED25519:
      return DkimKey(std::move(key), DkimAlgorithm::ed25519_sha256);
    default:
      return make_error(ErrorCode::invalid_input, "a DKIM key must be RSA or Ed25519");
  }
}

Result<DkimKey> DkimKey::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::io, "cannot read the DKIM key " + path);
  }
  std::ostringstream content;
  content << in.rdbuf();
  auto key = from_pem(content.str());
  if (!key) {
    return make_error(key.error().code, path + ": " + key.error().message);
  }
  return key;
}

Result<DkimKey> DkimKey::generate(DkimAlgorithm algorithm) {
  EVP_PKEY* pkey = algorithm == DkimAlgorithm::rsa_sha256
                       ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                       : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (pkey == nullptr) {
    return make_error(ErrorCode::internal, "OpenSSL could not generate a key");
  }
  return DkimKey(std::make_shared<Key>(pkey), algorithm);
}

std::string DkimKey::private_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key_->pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string DkimKey::public_key_base64() const {
  if (algorithm_ == DkimAlgorithm::ed25519_sha256) {
    unsigned char raw[32];
    size_t size = sizeof raw;
    EVP_PKEY_get_raw_public_key(key_->pkey, raw, &size);
    return base64_encode(raw, size);
  }
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key_->pkey, &der);
  std::string encoded = base64_encode(der, static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return encoded;
}

std::string DkimKey::dns_record() const {
  return fmt::format("v=DKIM1; k={}; p={}",
                     algorithm_ == DkimAlgorithm::rsa_sha256 ? "rsa" : "ed25519",
                     public_key_base64());
}

namespace {

// Each thread's signing contexts, keyed once for each key it signs with: contexts must not
// be shared between threads (letters are signed on every core), and keying one (fetching
// the algorithm, exporting the key to its provider) costs about what an Ed25519 signature
// does. A signature starts from a copy of the keyed context, which is cheap.
class ThreadSigningContexts {
 public:
  ThreadSigningContexts() = default;
  ThreadSigningContexts(const ThreadSigningContexts&) = delete;
  ThreadSigningContexts& operator=(const ThreadSigningContexts&) = delete;
  ~ThreadSigningContexts() {
    for (auto& keyed : keyed_) {
      EVP_MD_CTX_free(keyed.context);
    }
    EVP_MD_CTX_free(work_);
  }

  // A context ready to sign with key `id` (`pkey`, digest `md`: null for Ed25519), valid
  // until the next call on this thread; null when OpenSSL fails.
  EVP_MD_CTX* ready(std::uint64_t id, EVP_PKEY* pkey, const EVP_MD* md) {
    const EVP_MD_CTX* keyed = keyed_context(id, pkey, md);
    if (keyed == nullptr) {
      return nullptr;
    }
    if (work_ == nullptr) {
      work_ = EVP_MD_CTX_new();
    }
    if (work_ == nullptr || EVP_MD_CTX_copy_ex(work_, keyed) != 1) {
      return nullptr;
    }
    return work_;
  }

 private:
  // A thread signs with a key or two (RSA and Ed25519); a few more are kept for tests and
  // key rotation, the oldest dropped beyond that.
  static constexpr std::size_t kKeysKept = 4;

  struct Keyed {
    std::uint64_t id = 0;
    EVP_MD_CTX* context = nullptr;  // holds a reference to the key
  };

  const EVP_MD_CTX* keyed_context(std::uint64_t id, EVP_PKEY* pkey, const EVP_MD* md) {
    for (const auto& keyed : keyed_) {
      if (keyed.id == id) {
        return keyed.context;
      }
    }
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    if (context == nullptr || EVP_DigestSignInit(context, nullptr, md, nullptr, pkey) != 1) {
      EVP_MD_CTX_free(context);
      return nullptr;
    }
    if (keyed_.size() == kKeysKept) {
      EVP_MD_CTX_free(keyed_.front().context);
      keyed_.erase(keyed_.begin());
    }
    keyed_.push_back({id, context});
    return context;
  }

  std::vector<Keyed> keyed_;
  EVP_MD_CTX* work_ = nullptr;
};

}  // namespace

Result<std::string> DkimKey::sign(std::string_view data) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  std::string_view input = data;
  const EVP_MD* md = key_->sha256;
  if (algorithm_ == DkimAlgorithm::ed25519_sha256) {
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, key_->sha256, nullptr);
    input = std::string_view(reinterpret_cast<const char*>(digest), size);
    md = nullptr;  // Ed25519 signs the message itself (here, the digest)
  }
  thread_local ThreadSigningContexts contexts;
  EVP_MD_CTX* context = contexts.ready(key_->id, key_->pkey, md);
  std::string signature;
  size_t size = 0;
  bool ok = context != nullptr &&
            EVP_DigestSign(context, nullptr, &size,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (ok) {
    signature.resize(size);
    ok = EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &size,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    signature.resize(size);
  }
  if (!ok) {
    return make_error(ErrorCode::internal, "OpenSSL could not sign");
  }
  return base64_encode(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

struct DkimBodyHash::State {
  State() : context(EVP_MD_CTX_new()) {}
  ~State() { EVP_MD_CTX_free(context); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  EVP_MD_CTX* context;
};

DkimBodyHash::DkimBodyHash() : state_(std::make_unique<State>()) {
  EVP_DigestInit_ex(state_->context, sha256(), nullptr);
}

DkimBodyHash::DkimBodyHash(const DkimBodyHash& other) : state_(std::make_unique<State>()) {
  EVP_MD_CTX_copy_ex(state_->context, other.state_->context);
}

DkimBodyHash::~DkimBodyHash() = default;

void DkimBodyHash::add(std::string_view canonical) {
  EVP_DigestUpdate(state_->context, canonical.data(), canonical.size());
}

std::string DkimBodyHash::finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(state_->context, digest, &size);
  return base64_encode(digest, size);
}

Result<std::string> dkim_signature_for(std::string_view header_block, std::string_view body_hash,
                                       const DkimSigner& signer, Timestamp now) {
  const auto fields = split_headers(header_block);
  // Each name is listed once per field of that name, taking them from the bottom up as a
  // verifier does (RFC 6376 5.4.2); an over-signed name once more, which stands for a
  // field that is absent and must stay so.
  std::string canonical;
  std::string names;
  for (const auto& header : kSignedHeaders) {
    const std::string name = ascii_lower(header.name);
    for (std::size_t i = fields.size(); i-- > 0;) {
      if (ascii_lower(fields[i].name) == name) {
        canonical += relaxed_header(fields[i].name, fields[i].value) + "\r\n";
        names += (names.empty() ? "" : ":") + name;
      }
    }
    if (header.oversign == Oversign::yes) {
      names += (names.empty() ? "" : ":") + name;
    }
  }
  const bool rsa = signer.key.algorithm() == DkimAlgorithm::rsa_sha256;
  std::vector<std::string> tags = {
      "v=1",
      std::string("a=") + (rsa ? "rsa-sha256" : "ed25519-sha256"),
      "c=relaxed/relaxed",
      "d=" + signer.domain,
      "s=" + signer.selector,
      fmt::format("t={}", now.time_since_epoch().count()),
      "h=" + names,
      "bh=" + std::string(body_hash),
      "b=",
  };
  const std::string unsigned_header = fold_signature(tags);
  canonical += relaxed_header("DKIM-Signature",
                              unsigned_header.substr(std::string_view("DKIM-Signature:").size()));
  auto signature = signer.key.sign(canonical);
  if (!signature) {
    return std::move(signature).error();
  }
  tags.back() = "b=" + *signature;
  return fold_signature(tags) + "\r\n";
}

Result<std::string> dkim_signature(std::string_view message, const DkimSigner& signer,
                                   Timestamp now) {
  const auto split = message.find("\r\n\r\n");
  if (split == std::string_view::npos) {
    return make_error(ErrorCode::invalid_input, "the message has no blank line after its headers");
  }
  DkimBodyHash body_hash;
  body_hash.add(relaxed_body(message.substr(split + 4)));
  return dkim_signature_for(message.substr(0, split + 2), body_hash.finish(), signer, now);
}

Result<std::string> dkim_sign(std::string message, std::span<const DkimSigner> signers,
                              Timestamp now) {
  std::string headers;
  for (const auto& signer : signers) {
    auto header = dkim_signature(message, signer, now);
    if (!header) {
      return std::move(header).error();
    }
    headers += *header;
  }
  return headers + message;
}

}  // namespace communique
