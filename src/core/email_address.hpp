// EmailAddress: a validated, normalised subscriber address (RFC 5321/5322 addr-spec).
//
// Policy:
// - the local part is a dot-atom or a quoted string; UTF-8 is allowed in it (RFC 6532),
//   control characters never are; at most 64 octets;
// - the domain is a host name of at least two labels; internationalised domains are
//   converted to their A-label form through libidn2 (IDNA 2008, non-transitional), so the
//   stored address is ASCII on the right of the '@'; the domain is lower-cased; each label
//   is at most 63 octets, the domain at most 253, the whole address at most 254;
// - surrounding spaces are trimmed; anything else that is not part of an addr-spec (a
//   display name, angle brackets, comments) is rejected rather than guessed at.
// Deliberately not accepted: address literals ([192.0.2.1]), which no newsletter
// subscriber has and which bypass domain-based policy (suppression, rate limits).
//
// Two addresses name the same subscriber when their normalised forms are equal ignoring
// ASCII case: mailbox providers treat the local part case-insensitively in practice, and
// a subscriber imported twice with different capitals must receive one letter. The
// address is still sent as written.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace communique {

class EmailAddress {
 public:
  // Parses and normalises `input`; the error message says what is wrong in words a
  // person who typed the address understands.
  static Result<EmailAddress> parse(std::string_view input);

  // local@domain, with the domain lower-cased and in A-label (ASCII) form.
  const std::string& str() const { return address_; }
  std::string_view local_part() const { return std::string_view(address_).substr(0, at_); }
  std::string_view domain() const { return std::string_view(address_).substr(at_ + 1); }

  friend bool operator==(const EmailAddress&, const EmailAddress&) = default;

 private:
  EmailAddress(std::string address, std::size_t at) : address_(std::move(address)), at_(at) {}

  std::string address_;
  std::size_t at_ = 0;
};

// The key under which two addresses are the same subscriber (see above).
std::string address_key(const EmailAddress& address);

}  // namespace communique
