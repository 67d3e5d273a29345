#include "smtp/smtp_reply.hpp"

#include <sstream>

#include "base/text.hpp"

namespace communique {

std::string SmtpReply::summary() const {
  const auto end = text.find('\n');
  return std::to_string(code) + " " + text.substr(0, end);
}

std::optional<SmtpReply> SmtpReplyReader::feed(std::string_view line) {
  const bool well_formed = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                           std::isdigit(static_cast<unsigned char>(line[1])) &&
                           std::isdigit(static_cast<unsigned char>(line[2])) &&
                           (line.size() == 3 || line[3] == ' ' || line[3] == '-');
  if (!well_formed) {
    started_ = false;
    partial_ = {};
    return SmtpReply{0, "malformed reply: " + std::string(line.substr(0, 200))};
  }
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!started_) {
    partial_ = SmtpReply{code, ""};
    started_ = true;
  } else {
    partial_.text += "\n";
  }
  partial_.text.append(line.size() > 4 ? line.substr(4) : std::string_view());
  const bool last = line.size() == 3 || line[3] == ' ';
  if (!last) {
    return std::nullopt;
  }
  started_ = false;
  return std::move(partial_);
}

SmtpExtensions parse_extensions(const SmtpReply& ehlo) {
  SmtpExtensions extensions;
  std::istringstream lines(ehlo.text);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (first) {
      first = false;  // the greeting line: the server's name
      continue;
    }
    std::istringstream words(line);
    std::string keyword;
    words >> keyword;
    keyword = ascii_lower(keyword);
    for (char& c : keyword) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    extensions.keywords.insert(keyword);
    if (keyword == "AUTH") {
      std::string mechanism;
      while (words >> mechanism) {
        for (char& c : mechanism) {
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        extensions.auth_mechanisms.insert(mechanism);
      }
    }
  }
  return extensions;
}

}  // namespace communique
