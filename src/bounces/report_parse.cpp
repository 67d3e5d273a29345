#include "bounces/report_parse.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "base/text.hpp"
#include "bounces/report_forms.hpp"
#include "bounces/report_text.hpp"

namespace communique {

namespace {

// ---- GMime adapter: the only place GMime types appear -------------------------------------

struct GObjectRelease {
  void operator()(void* object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectRelease>;

void init_gmime_once() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

bool has_type(GMimeObject* object, const char* type, const char* subtype) {
  GMimeContentType* content_type = g_mime_object_get_content_type(object);
  return content_type != nullptr && g_mime_content_type_is_type(content_type, type, subtype);
}

std::string header(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_header(object, name);
  return value == nullptr ? std::string() : std::string(trim(value));
}

// The raw header block of `object`, for the field parser.
std::string header_block(GMimeObject* object) {
  char* text = g_mime_object_get_headers(object, nullptr);
  if (text == nullptr) {
    return {};
  }
  std::string out(text);
  g_free(text);
  return out;
}

// The decoded content of a leaf part, or the text of an attached message; at most `limit`.
std::string content_of(GMimeObject* object, std::size_t limit) {
  std::string out;
  if (GMIME_IS_MESSAGE_PART(object)) {
    GMimeMessage* message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (message != nullptr) {
      char* text = g_mime_object_to_string(GMIME_OBJECT(message), nullptr);
      if (text != nullptr) {
        out.assign(text, std::min(limit, std::char_traits<char>::length(text)));
        g_free(text);
      }
    }
    return out;
  }
  if (!GMIME_IS_PART(object)) {
    return out;
  }
  GMimeDataWrapper* wrapper = g_mime_part_get_content(GMIME_PART(object));
  if (wrapper == nullptr) {
    return out;
  }
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(wrapper, stream.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  if (bytes != nullptr) {
    out.assign(reinterpret_cast<const char*>(bytes->data),
               std::min<std::size_t>(limit, bytes->len));
  }
  return out;
}

// What a walk over the report's parts finds, outside any attached original.
struct Parts {
  GMimeObject* delivery_status = nullptr;
  GMimeObject* feedback_report = nullptr;
  GMimeObject* original = nullptr;  // message/rfc822, message/global or headers only
  std::string text;                 // the text/plain parts, then text/html ones if none
  std::string html;
  int visited = 0;
  bool too_deep = false;
};

void walk(GMimeObject* object, int depth, Parts& parts) {
  if (object == nullptr || ++parts.visited > 4 * kMaxNesting * kMaxNesting) {
    return;
  }
  if (depth > kMaxNesting) {
    parts.too_deep = true;
    return;
  }
  if (has_type(object, "message", "delivery-status") ||
      has_type(object, "message", "global-delivery-status")) {
    parts.delivery_status = parts.delivery_status ? parts.delivery_status : object;
    return;
  }
  if (has_type(object, "message", "feedback-report")) {
    parts.feedback_report = parts.feedback_report ? parts.feedback_report : object;
    return;
  }
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) {
      walk(g_mime_multipart_get_part(multipart, i), depth + 1, parts);
    }
    return;
  }
  if (GMIME_IS_MESSAGE_PART(object) || has_type(object, "text", "rfc822-headers") ||
      has_type(object, "message", "global-headers")) {
    parts.original = parts.original ? parts.original : object;
    return;
  }
  if (!GMIME_IS_PART(object)) {
    return;
  }
  const bool plain = has_type(object, "text", "plain");
  if (!plain && !has_type(object, "text", "html")) {
    return;
  }
  std::string& into = plain ? parts.text : parts.html;
  if (into.size() < kMaxTextBytes) {
    into += content_of(object, kMaxTextBytes - into.size());
    into += '\n';
  }
}

OriginalHeaders original_from_fields(const Fields& fields) {
  OriginalHeaders original;
  original.message_id = field(fields, "message-id");
  original.return_path = address_of(field(fields, "return-path"));
  original.from = field(fields, "from");
  original.to = field(fields, "to");
  original.subject = field(fields, "subject");
  original.list_id = field(fields, "list-id");
  original.list_unsubscribe = field(fields, "list-unsubscribe");
  original.feedback_id = field(fields, "feedback-id");
  return original;
}

std::optional<OriginalHeaders> original_of(GMimeObject* object) {
  if (object == nullptr) {
    return std::nullopt;
  }
  std::string headers;
  if (GMIME_IS_MESSAGE_PART(object)) {
    GMimeMessage* message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (message == nullptr) {
      return std::nullopt;
    }
    headers = header_block(GMIME_OBJECT(message));
  } else {
    headers = content_of(object, kMaxTextBytes);
  }
  const auto blocks = field_blocks(headers);
  if (blocks.empty()) {
    return std::nullopt;
  }
  return original_from_fields(blocks.front());
}

// The original's headers quoted in a text bounce after one of the markers, if any.
std::optional<OriginalHeaders> quoted_original(std::string_view text) {
  const std::string lower = ascii_lower(text);
  for (const auto marker : original_header_markers()) {
    const auto at = lower.find(marker);
    if (at == std::string::npos) {
      continue;
    }
    const auto line_end = text.find('\n', at);
    if (line_end == std::string_view::npos) {
      return std::nullopt;
    }
    std::string_view rest = text.substr(line_end + 1);
    while (!rest.empty() && (rest.front() == '\n' || rest.front() == '\r')) {
      rest.remove_prefix(1);
    }
    const auto blocks = field_blocks(rest);
    if (!blocks.empty()) {
      return original_from_fields(blocks.front());
    }
  }
  return std::nullopt;
}

RecipientAction action_from(std::string_view value) {
  const std::string lower = ascii_lower(trim(value));
  for (const auto action :
       {RecipientAction::failed, RecipientAction::delayed, RecipientAction::delivered,
        RecipientAction::relayed, RecipientAction::expanded}) {
    if (starts_with_ignoring_case(lower, to_string(action))) {
      return action;
    }
  }
  return RecipientAction::none;
}

Report unknown(std::string reason) {
  Report report;
  report.reason = std::move(reason);
  return report;
}

// ---- The forms ------------------------------------------------------------------------------

void read_dsn(GMimeObject* status_part, Report& report) {
  report.kind = ReportKind::dsn;
  report.form = "rfc3464";
  for (const auto& block : field_blocks(content_of(status_part, kMaxTextBytes))) {
    if (report.reporting_mta.empty()) {
      report.reporting_mta = without_type(field(block, "reporting-mta"));
    }
    if (report.arrival_date.empty()) {
      report.arrival_date = field(block, "arrival-date");
    }
    std::string final_recipient = without_type(field(block, "final-recipient"));
    if (final_recipient.empty()) {
      final_recipient = without_type(field(block, "original-recipient"));
    }
    if (final_recipient.empty() || report.recipients.size() >= kMaxRecipients) {
      continue;
    }
    ReportRecipient recipient;
    recipient.address = std::move(final_recipient);
    recipient.action = action_from(field(block, "action"));
    recipient.status = enhanced_status_in(field(block, "status"));
    recipient.diagnostic = without_type(field(block, "diagnostic-code"));
    recipient.remote_mta = without_type(field(block, "remote-mta"));
    if (recipient.status.empty()) {
      recipient.status = enhanced_status_in(recipient.diagnostic);
    }
    report.recipients.push_back(std::move(recipient));
  }
}

void read_arf(GMimeObject* feedback_part, Report& report) {
  report.kind = ReportKind::complaint;
  report.form = "arf";
  const auto blocks = field_blocks(content_of(feedback_part, kMaxTextBytes));
  const Fields fields = blocks.empty() ? Fields{} : blocks.front();
  report.feedback_type = ascii_lower(field(fields, "feedback-type"));
  report.arrival_date = field(fields, "arrival-date");
  report.reporting_mta = without_type(field(fields, "reporting-mta"));
  std::string address = address_of(field(fields, "original-rcpt-to"));
  if (address.empty() && report.original) {
    address = address_of(report.original->to);
  }
  if (!address.empty()) {
    report.recipients.push_back({.address = address});
  }
}

// A bounce written as text: `form` matched; the addresses in the text before the quoted
// original (but ours and the reporter's) are the recipients, each with the first SMTP reply
// quoted after it, else the indented line under it (Exim's "Unrouteable address").
void read_text_bounce(const BounceForm& form, std::string_view text, Report& report) {
  report.kind = ReportKind::dsn;
  report.form = std::string(form.form);
  std::string_view body = text;
  const std::string lower = ascii_lower(body);
  // The quoted original ends what is read: its addresses are not recipients.
  for (const auto marker : original_header_markers()) {
    const auto at = lower.find(marker);
    if (at != std::string::npos && at < body.size()) {
      body = body.substr(0, at);
    }
  }
  // Addresses that are ours or the reporter's are not recipients.
  std::vector<std::string> excluded = report.addressed_to;
  excluded.push_back(report.sender);
  if (report.original) {
    excluded.push_back(report.original->return_path);
    excluded.push_back(address_of(report.original->from));
  }
  const auto is_excluded = [&](const std::string& address) {
    const std::string key = ascii_lower(address);
    return key.starts_with("mailer-daemon@") || key.starts_with("postmaster@") ||
           std::any_of(excluded.begin(), excluded.end(),
                       [&](const std::string& other) { return ascii_lower(other) == key; });
  };
  const auto lines = lines_of(body);
  std::string fallback_diagnostic;
  for (const auto line : lines) {
    if (holds_smtp_reply(line)) {
      fallback_diagnostic = shorten(trim(line), 400);
      break;
    }
  }
  for (std::size_t i = 0; i < lines.size() && report.recipients.size() < kMaxRecipients; ++i) {
    for (const auto& address : addresses_in(lines[i], 8)) {
      if (is_excluded(address) || std::any_of(report.recipients.begin(), report.recipients.end(),
                                              [&](const ReportRecipient& seen) {
                                                return ascii_lower(seen.address) ==
                                                       ascii_lower(address);
                                              })) {
        continue;
      }
      ReportRecipient recipient{.address = address, .action = form.action};
      std::string_view indented_note;
      // The reply quoted for it: on its own line or the next few, before another address.
      for (std::size_t j = i; j < lines.size() && j < i + 8; ++j) {
        if (j > i && !addresses_in(lines[j], 1).empty() && !holds_smtp_reply(lines[j]) &&
            lines[j].find("RCPT TO") == std::string_view::npos) {
          break;
        }
        const std::string host_line = ascii_lower(trim(lines[j]));
        if (host_line.starts_with("host ") && recipient.remote_mta.empty()) {
          const auto name = std::string_view(trim(lines[j])).substr(5);
          recipient.remote_mta = std::string(name.substr(0, name.find(' ')));
        }
        if (holds_smtp_reply(lines[j])) {
          recipient.diagnostic = shorten(trim(lines[j]), 400);
          break;
        }
        if (j > i && indented_note.empty() && !trim(lines[j]).empty() &&
            (lines[j].front() == ' ' || lines[j].front() == '\t')) {
          indented_note = trim(lines[j]);
        }
      }
      if (recipient.diagnostic.empty()) {
        recipient.diagnostic =
            !indented_note.empty() ? shorten(indented_note, 400) : fallback_diagnostic;
      }
      recipient.status = enhanced_status_in(recipient.diagnostic);
      if (recipient.status.empty()) {
        recipient.status = std::string(form.implied_status);
      }
      report.recipients.push_back(std::move(recipient));
    }
  }
}

bool is_auto_reply(GMimeObject* message, std::string_view subject) {
  const std::string submitted = ascii_lower(header(message, "Auto-Submitted"));
  if (!submitted.empty() && submitted != "no") {
    return true;
  }
  if (!header(message, "X-Autoreply").empty() || !header(message, "X-Autorespond").empty() ||
      equals_ignoring_case(header(message, "Precedence"), "auto_reply")) {
    return true;
  }
  std::string lower = ascii_lower(trim(subject));
  while (!lower.empty() && (lower.front() == '[' || lower.front() == ' ')) {
    lower.erase(0, 1);
  }
  return std::any_of(auto_reply_subjects().begin(), auto_reply_subjects().end(),
                     [&](std::string_view start) { return lower.starts_with(start); });
}

bool is_token_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// The token after `unsubscribe-` (or `+`) in `text`; empty when none is there.
std::string unsubscribe_token_in(std::string_view text) {
  const std::string lower = ascii_lower(text);
  for (auto at = lower.find("unsubscribe"); at != std::string::npos;
       at = lower.find("unsubscribe", at + 1)) {
    std::size_t start = at + 11;
    if (start >= text.size() || (text[start] != '-' && text[start] != '+')) {
      continue;
    }
    ++start;
    std::size_t end = start;
    while (end < text.size() && is_token_character(text[end]) && end - start < 128) {
      ++end;
    }
    if (end - start >= 16) {
      return std::string(text.substr(start, end - start));
    }
  }
  return {};
}

// Whether `message` begins with a header field (or an mbox "From " line): anything else
// is not mail, whatever GMime would make of it.
bool begins_with_headers(std::string_view message) {
  if (message.starts_with("From ")) {
    return true;
  }
  std::size_t at = 0;
  while (at < message.size() && at < 100 && message[at] > 32 && message[at] < 127 &&
         message[at] != ':') {
    ++at;
  }
  return at > 0 && at < message.size() && message[at] == ':';
}

// How many MIME containers (multipart/*, message/*) the message declares, counted on its
// Content-Type lines before GMime builds anything: GMime nests one level per container.
std::size_t declared_containers(std::string_view message) {
  std::size_t count = 0;
  for (std::size_t at = 0; at < message.size();) {
    const auto end = message.find('\n', at);
    const auto line = message.substr(at, end == std::string_view::npos ? end : end - at);
    if (starts_with_ignoring_case(line, "content-type:")) {
      const std::string type = ascii_lower(trim(line.substr(13)));
      if (type.starts_with("multipart/") || type.starts_with("message/rfc822") ||
          type.starts_with("message/global")) {
        ++count;
      }
    }
    if (end == std::string_view::npos) {
      break;
    }
    at = end + 1;
  }
  return count;
}

}  // namespace

Report parse_report(std::string_view message) {
  if (message.size() > kMaxReportBytes) {
    return unknown("it is larger than 16 MiB, more than any report; it was not read");
  }
  if (!begins_with_headers(message)) {
    return unknown("it is not an email message: it does not begin with header fields");
  }
  if (declared_containers(message) > static_cast<std::size_t>(4 * kMaxNesting)) {
    return unknown("it nests more MIME parts than any report does; it was not read");
  }
  init_gmime_once();
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(message.data(), message.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GObjectPtr<GMimeMessage> parsed(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!parsed) {
    return unknown("GMime could not read it as a message");
  }
  GMimeObject* top = GMIME_OBJECT(parsed.get());
  Report report;
  report.sender = address_of(header(top, "From"));
  for (const char* name : {"To", "Delivered-To", "X-Original-To", "Envelope-To"}) {
    for (auto& address : addresses_in(header(top, name), 8)) {
      report.addressed_to.push_back(std::move(address));
    }
  }
  const char* subject_text = g_mime_message_get_subject(parsed.get());
  const std::string subject = subject_text ? subject_text : "";

  Parts parts;
  walk(g_mime_message_get_mime_part(parsed.get()), 0, parts);
  if (parts.too_deep) {
    return unknown("it nests MIME parts deeper than any report does; it was not read");
  }
  report.original = original_of(parts.original);
  if (parts.delivery_status != nullptr) {
    read_dsn(parts.delivery_status, report);
    if (report.recipients.empty()) {
      return unknown("a delivery report (RFC 3464) that names no recipient");
    }
    return report;
  }
  if (parts.feedback_report != nullptr) {
    read_arf(parts.feedback_report, report);
    return report;
  }
  const bool auto_submitted = is_auto_reply(top, "");
  if (!auto_submitted) {
    std::string token = unsubscribe_token_in(subject);
    for (const auto& address : report.addressed_to) {
      if (token.empty()) {
        token = unsubscribe_token_in(address.substr(0, address.find('@')));
      }
    }
    if (!token.empty()) {
      report.kind = ReportKind::unsubscribe_request;
      report.form = "mailto";
      report.unsubscribe_token = std::move(token);
      report.recipients.push_back({.address = report.sender});
      return report;
    }
  }
  const std::string text = parts.text.empty() ? html_text(parts.html) : parts.text;
  if (!report.original) {
    report.original = quoted_original(text);
  }
  const std::string searched = ascii_lower(subject) + "\n" + ascii_lower(text);
  for (const auto& form : bounce_forms()) {
    if (searched.find(form.phrase) == std::string::npos) {
      continue;
    }
    read_text_bounce(form, text, report);
    if (report.recipients.empty()) {
      return unknown("a bounce in " + std::string(form.form) +
                     "'s text form that names no recipient");
    }
    return report;
  }
  if (is_auto_reply(top, subject)) {
    report.kind = ReportKind::auto_reply;
    report.form = "rfc3834";
    report.recipients.push_back({.address = report.sender});
    return report;
  }
  return unknown(
      "it is neither a delivery report, a complaint, an automatic reply nor an unsubscribe "
      "request");
}

}  // namespace communique
