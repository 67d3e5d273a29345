#include "core/email_address.hpp"

#include <idn2.h>

#include <cstdlib>
#include <memory>

#include "base/text.hpp"

namespace communique {

namespace {

constexpr std::size_t kMaxLocalPart = 64;
constexpr std::size_t kMaxDomain = 253;
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxAddress = 254;

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_input, std::move(message));
}

bool is_atext(unsigned char c) {
  if (c >= 0x80) {
    return true;  // UTF-8 sequences, already checked for well-formedness (RFC 6532)
  }
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

Result<void> check_dot_atom(std::string_view local) {
  if (local.front() == '.') {
    return invalid("the part before '@' starts with a dot");
  }
  if (local.back() == '.') {
    return invalid("the part before '@' ends with a dot");
  }
  char previous = 0;
  for (char c : local) {
    if (c == '.' && previous == '.') {
      return invalid("the part before '@' has two dots in a row");
    }
    if (c != '.' && !is_atext(static_cast<unsigned char>(c))) {
      if (c == ' ') {
        return invalid("the address contains a space");
      }
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        return invalid("the address contains a control character");
      }
      return invalid(std::string("the part before '@' contains '") + c +
                     "', which is only allowed inside quotes");
    }
    previous = c;
  }
  return ok();
}

Result<void> check_quoted_string(std::string_view local) {
  // local = DQUOTE *(qtext / quoted-pair) DQUOTE
  if (local.size() < 2 || local.back() != '"') {
    return invalid("the quoted part before '@' is not closed");
  }
  const std::string_view inner = local.substr(1, local.size() - 2);
  for (std::size_t i = 0; i < inner.size(); ++i) {
    const auto c = static_cast<unsigned char>(inner[i]);
    if (c == '\\') {
      if (i + 1 >= inner.size()) {
        return invalid("the quoted part before '@' ends with a lone backslash");
      }
      const auto escaped = static_cast<unsigned char>(inner[i + 1]);
      if (escaped < 0x20 || escaped == 0x7F) {
        return invalid("the address contains a control character");
      }
      ++i;
      continue;
    }
    if (c == '"') {
      return invalid("the quoted part before '@' has an unescaped quote inside");
    }
    if (c < 0x20 || c == 0x7F) {
      return invalid("the address contains a control character");
    }
  }
  return ok();
}

// The one spelling of a checked quoted local part (RFC 5321 4.1.2): its value, unquoted when
// that is a dot-atom ("d"@, "\d"@ and d@ are one mailbox), else quoted with only '"' and
// '\' escaped.
std::string canonical_quoted(std::string_view local) {
  const std::string_view inner = local.substr(1, local.size() - 2);
  std::string value;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\') {
      ++i;  // checked: a backslash is followed by the character it escapes
    }
    value += inner[i];
  }
  if (!value.empty() && check_dot_atom(value)) {
    return value;
  }
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
    }
    quoted += c;
  }
  return quoted + '"';
}

Result<void> check_host_name(std::string_view domain) {
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    if (end == std::string_view::npos) {
      end = domain.size();
    }
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty()) {
      return invalid("the domain has an empty label (two dots in a row, or a leading dot)");
    }
    if (label.size() > kMaxLabel) {
      return invalid("a label of the domain is longer than 63 characters");
    }
    if (label.front() == '-' || label.back() == '-') {
      return invalid("a label of the domain starts or ends with a hyphen");
    }
    for (char c : label) {
      const bool ok_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok_char) {
        if (c == ' ') {
          return invalid("the address contains a space");
        }
        return invalid(std::string("the domain contains '") + c +
                       "', which is not allowed in a host name");
      }
    }
    ++labels;
    start = end + 1;
  }
  if (labels < 2) {
    return invalid("the domain has no dot; a full domain such as example.org is needed");
  }
  const std::string_view tld = domain.substr(domain.rfind('.') + 1);
  if (tld.find_first_not_of("0123456789") == std::string_view::npos) {
    return invalid("the domain ends in a number; an address needs a domain name, not an IP");
  }
  return ok();
}

// The domain in lower-case A-label form, through libidn2 when it is not plain ASCII
// (or when it carries A-labels that must be checked).
Result<std::string> normalise_domain(std::string_view domain) {
  std::string lowered = ascii_lower(domain);
  const bool needs_idna = !is_ascii(lowered) || lowered.starts_with("xn--") ||
                          lowered.find(".xn--") != std::string::npos;
  if (needs_idna) {
    char* converted = nullptr;
    const int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(lowered.c_str()),
                                  reinterpret_cast<uint8_t**>(&converted),
                                  IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    std::unique_ptr<char, decltype(&idn2_free)> holder(converted, &idn2_free);
    if (rc != IDN2_OK) {
      return invalid(std::string("the domain is not a valid internationalised name (") +
                     idn2_strerror(rc) + ")");
    }
    lowered = ascii_lower(converted);
  }
  return lowered;
}

}  // namespace

Result<EmailAddress> EmailAddress::parse(std::string_view input) {
  const std::string_view text = trim(input);
  if (text.empty()) {
    return invalid("the address is empty");
  }
  if (!is_valid_utf8(text)) {
    return invalid("the address is not valid UTF-8");
  }
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    return invalid("the address contains a line break");
  }
  if (text.find('<') != std::string_view::npos && text.back() == '>') {
    return invalid(
        "the address has a display name or angle brackets; give the bare address, "
        "such as ann@example.org");
  }
  const auto at = text.rfind('@');
  if (at == std::string_view::npos) {
    return invalid("the address has no '@'");
  }
  std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  if (local.empty()) {
    return invalid("the address has nothing before '@'");
  }
  if (domain.empty()) {
    return invalid("the address has nothing after '@'");
  }
  if (local.size() > kMaxLocalPart) {
    return invalid("the part before '@' is longer than 64 characters");
  }
  std::string canonical_local;
  if (local.front() == '"') {
    if (auto checked = check_quoted_string(local); !checked) {
      return std::move(checked).error();
    }
    canonical_local = canonical_quoted(local);
    local = canonical_local;
  } else {
    if (local.find('@') != std::string_view::npos) {
      return invalid("the address has more than one '@'");
    }
    if (auto checked = check_dot_atom(local); !checked) {
      return std::move(checked).error();
    }
  }
  if (domain.front() == '[') {
    return invalid("addresses at an IP literal ([...]) are not accepted; use a domain name");
  }
  if (domain.back() == '.') {
    return invalid("the domain ends with a dot");
  }
  if (domain.size() > kMaxDomain) {
    return invalid("the domain is longer than 253 characters");
  }
  auto normalised = normalise_domain(domain);
  if (!normalised) {
    return std::move(normalised).error();
  }
  if (normalised->size() > kMaxDomain) {
    return invalid("the domain is longer than 253 characters in its ASCII form");
  }
  if (auto checked = check_host_name(*normalised); !checked) {
    return std::move(checked).error();
  }
  std::string address;
  address.reserve(local.size() + 1 + normalised->size());
  address.append(local).append("@").append(*normalised);
  if (address.size() > kMaxAddress) {
    return invalid("the address is longer than 254 characters");
  }
  return EmailAddress(std::move(address), local.size());
}

std::string address_key(const EmailAddress& address) {
  return ascii_lower(address.str());
}

}  // namespace communique
