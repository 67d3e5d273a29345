// SMTP replies (RFC 5321 section 4.2): a three-digit code and one or more lines of text,
// read line by line, with the EHLO keywords a server advertises.
//
// Policy: only the reply's class by its first digit (positive, temporary, permanent);
// what a temporary or permanent answer means for a recipient is delivery/reply_policy.hpp's.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace communique {

struct SmtpReply {
  int code = 0;
  std::string text;  // the lines' text without their codes, joined by "\n"

  bool positive() const { return code >= 200 && code < 400; }
  bool temporary() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500; }
  // "451 4.7.1 try later" (first line), for logs and the ledger.
  std::string summary() const;
};

class SmtpReplyReader {
 public:
  // Feeds one line (without CRLF); returns the reply once its last line has come. A line
  // that is not "DDD[ -]text" makes a reply with code 0 (a protocol error).
  std::optional<SmtpReply> feed(std::string_view line);

 private:
  SmtpReply partial_;
  bool started_ = false;
};

// The upper-cased keywords of an EHLO reply ("PIPELINING", "SIZE", "AUTH", "STARTTLS"...),
// and the mechanisms AUTH lists.
struct SmtpExtensions {
  std::set<std::string> keywords;
  std::set<std::string> auth_mechanisms;
  bool has(std::string_view keyword) const { return keywords.contains(std::string(keyword)); }
};

SmtpExtensions parse_extensions(const SmtpReply& ehlo);

}  // namespace communique
