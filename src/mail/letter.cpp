#include "mail/letter.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/embedded_file.hpp"
#include "base/text.hpp"
#include "content/html_sanitizer.hpp"
#include "content/html_text.hpp"
#include "content/markdown.hpp"
#include "content/summary.hpp"
#include "mail/digest.hpp"
#include "mail/letter_parts.hpp"
#include "mail/mime.hpp"
#include "security/link_binding.hpp"

namespace communique::letter_templates {
std::span<const communique::EmbeddedFile> embedded_files();
}

namespace communique {

bool valid_template_name(const std::string& name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> letter_template_names(const std::filesystem::path& data_dir) {
  std::vector<std::string> names{"default"};
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir / "templates", ec)) {
    const auto& path = entry.path();
    const std::string name = path.stem().string();
    if (path.extension() == ".html" && valid_template_name(name) && name != "default" &&
        std::filesystem::exists(data_dir / "templates" / (name + ".txt"), ec)) {
      names.push_back(name);
    }
  }
  std::sort(names.begin() + 1, names.end());
  return names;
}

namespace {

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::not_found, "cannot read the template " + path.string());
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Control characters (but tab and line breaks) have no place in a letter, and the planned
// composer uses two of them to mark personal values.
std::string without_control_characters(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
      clean += c;
    }
  }
  return clean;
}

}  // namespace

namespace letter_parts {

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

}  // namespace letter_parts

Result<LetterTemplates> load_letter_templates(const std::string& name,
                                              const std::filesystem::path& data_dir,
                                              IssueKind kind) {
  if (!valid_template_name(name)) {
    return make_error(ErrorCode::invalid_input,
                      "template names are letters, digits, '-' and '_'; not '" + name + "'");
  }
  std::string html;
  std::string text;
  if (name == "default") {
    const auto files = letter_templates::embedded_files();
    const std::string stem = kind == IssueKind::digest ? "digest" : "default";
    html = std::string(find_embedded(files, stem + ".html").value_or(""));
    text = std::string(find_embedded(files, stem + ".txt").value_or(""));
  } else {
    auto html_file = read_file(data_dir / "templates" / (name + ".html"));
    if (!html_file) {
      return std::move(html_file).error();
    }
    auto text_file = read_file(data_dir / "templates" / (name + ".txt"));
    if (!text_file) {
      return std::move(text_file).error();
    }
    html = std::move(*html_file);
    text = std::move(*text_file);
  }
  auto html_template = Template::compile(html, name + ".html", Template::Escape::html);
  if (!html_template) {
    return std::move(html_template).error();
  }
  auto text_template = Template::compile(text, name + ".txt", Template::Escape::none);
  if (!text_template) {
    return std::move(text_template).error();
  }
  return LetterTemplates{std::move(*html_template), std::move(*text_template)};
}

std::string issue_slug(const Issue& issue) {
  std::string slug = std::to_string(issue.id);
  if (auto words = slugify(issue.subject); !words.empty()) {
    slug += "-" + words;
  }
  return slug;
}

Result<PreparedIssue> prepare_issue(const Issue& issue, const MailingList& list,
                                    LetterTemplates templates) {
  std::vector<RenderedSection> sections;
  for (const auto& section : issue.sections) {
    RenderedSection rendered{.title = without_control_characters(section.title)};
    const std::string body = without_control_characters(section.body);
    if (section.format == BodyFormat::markdown) {
      auto html = markdown_to_html(body);
      auto text = markdown_to_text(body);
      if (!html || !text) {
        return make_error(ErrorCode::internal, "the body could not be rendered");
      }
      rendered.html = std::move(*html);
      rendered.text = std::move(*text);
    } else {
      // Stored bodies were sanitised when written; rows older than the sanitiser were not.
      rendered.html = sanitise_html(body);
      rendered.text = html_to_text(rendered.html);
    }
    sections.push_back(std::move(rendered));
  }
  std::string preheader = without_control_characters(summarise(issue.sections, 110));
  std::string slug = issue_slug(issue);
  return PreparedIssue{issue,
                       list,
                       std::move(sections),
                       std::move(slug),
                       std::move(preheader),
                       std::move(templates)};
}

std::string LetterComposer::envelope_from(const PreparedIssue& prepared) const {
  return prepared.issue.from_address.empty() ? identity_.from_address : prepared.issue.from_address;
}

Result<std::string> LetterComposer::compose_notice(const Mailbox& to, const std::string& subject,
                                                   const std::string& text, Timestamp now) const {
  const std::string from_name =
      identity_.from_name.empty() ? identity_.organisation : identity_.from_name;
  const std::vector<MimeHeader> headers{
      {"From", format_mailbox({from_name, identity_.from_address})},
      {"To", format_mailbox(to)},
      {"Subject", encode_unstructured(subject)},
      {"Date", format_rfc5322_date(now)},
      {"Message-ID", new_message_id()},
      {"Auto-Submitted", "auto-generated"}};
  std::string message = build_text_message(headers, text);
  if (signers_.empty()) {
    return message;
  }
  return dkim_sign(std::move(message), signers_, now);
}

std::string LetterComposer::new_message_id() const {
  unsigned char random[12];
  RAND_bytes(random, sizeof random);
  return "<" + letter_parts::hex(random, sizeof random) + "@" + identity_.domain() + ">";
}

namespace letter_parts {

namespace {

// Every string in `value` (an attribute, or a list or object of them) without control
// characters: a subscriber's data must not carry the marks that tracking makes personal.
void remove_control_characters(nlohmann::json& value) {
  if (value.is_string()) {
    value = without_control_characters(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& item : value) {
      remove_control_characters(item);
    }
  }
}

// What digest templates see besides a letter's context: `sections` with their items, the
// table of contents `toc` and `item_count` (docs/templates.md).
void add_digest_context(nlohmann::json& context, const PreparedIssue& prepared,
                        const std::string& base) {
  nlohmann::json sections = nlohmann::json::array();
  nlohmann::json toc = nlohmann::json::array();
  std::size_t count = 0;
  for (const auto& section : prepared.sections) {
    nlohmann::json items = nlohmann::json::array();
    nlohmann::json titles = nlohmann::json::array();
    for (const auto& item : section.items) {
      const std::string url = base + "/posts/" + item->slug;
      nlohmann::json topics = nlohmann::json::array();
      for (const auto& topic : item->topics) {
        topics.push_back({{"name", topic}});
      }
      items.push_back({{"title", item->title},
                       {"html", item->html},
                       {"text", item->text},
                       {"url", url},
                       {"topics", std::move(topics)},
                       {"has_topics", !item->topics.empty()},
                       {"published", item->published},
                       {"anchor", item->anchor},
                       {"cut", item->cut}});
      titles.push_back({{"title", item->title}, {"anchor", item->anchor}, {"url", url}});
      ++count;
    }
    sections.push_back(
        {{"name", section.title}, {"anchor", section.anchor}, {"items", std::move(items)}});
    toc.push_back(
        {{"name", section.title}, {"anchor", section.anchor}, {"items", std::move(titles)}});
  }
  context["sections"] = std::move(sections);
  context["toc"] = std::move(toc);
  context["item_count"] = count;
  context["items_text"] = std::to_string(count) + (count == 1 ? " item" : " items");
}

}  // namespace

std::string sign_link(const LinkSigner& signer, const TokenClaims& claims, PersonalLinks links,
                      std::string_view subscriber_key) {
  if (links == PersonalLinks::live) {
    return signer.sign(claims, subscriber_key);
  }
  return signer.sign({.purpose = TokenPurpose::preview, .issued_day = claims.issued_day});
}

PersonalValues personal_values(const Subscriber& subscriber, const PreparedIssue& issue,
                               const SenderIdentity& identity, const LinkSigner& signer,
                               Timestamp now, PersonalLinks links) {
  const auto day = day_number(now);
  const auto token = [&](TokenPurpose purpose, std::int64_t issue_id) {
    return sign_link(
        signer,
        {.purpose = purpose, .subscriber = subscriber.id, .issue = issue_id, .issued_day = day},
        links, token_key(purpose, subscriber.link_key));
  };
  PersonalValues values{
      .email = subscriber.email, .name = subscriber.name, .language = subscriber.language};
  auto attributes = nlohmann::json::parse(subscriber.attributes_json, nullptr, false);
  if (attributes.is_object()) {
    remove_control_characters(attributes);
    values.attributes = std::move(attributes);
  }
  values.unsubscribe =
      identity.base_url + "/unsubscribe/" + token(TokenPurpose::unsubscribe, issue.issue.id);
  values.preferences = identity.base_url + "/preferences/" + token(TokenPurpose::preferences, 0);
  return values;
}

nlohmann::json template_context(const PreparedIssue& prepared, const PersonalValues& personal,
                                const SenderIdentity& identity, Timestamp now) {
  nlohmann::json social = nlohmann::json::array();
  for (const auto& link : identity.social) {
    social.push_back({{"name", link.name}, {"url", safe_url(link.url)}});
  }
  nlohmann::json sections = nlohmann::json::array();
  for (const auto& section : prepared.sections) {
    sections.push_back({{"title", section.title},
                        {"has_title", !section.title.empty()},
                        {"html", section.html},
                        {"text", section.text}});
  }
  const Issue& issue = prepared.issue;
  const std::string& base = identity.base_url;
  nlohmann::json context = {
      {"subscriber",
       {{"email", personal.email},
        {"name", personal.name},
        {"language", personal.language},
        {"attributes", personal.attributes}}},
      {"issue",
       {{"subject", issue.subject},
        {"date", human_date(masthead_day(issue, now))},
        {"language", issue.language.empty() ? "en" : issue.language},
        {"preheader", prepared.preheader},
        {"published", prepared.published},
        {"web_version", !personal.personal},
        {"web_url", prepared.published ? base + "/archive/" + prepared.slug : ""}}},
      {"sender",
       {{"organisation", identity.organisation},
        {"postal_address", identity.postal_address},
        {"copyright", identity.copyright},
        {"social", std::move(social)},
        {"has_social", !identity.social.empty()},
        {"base_url", base}}},
      {"links",
       {{"subscribe", base + "/subscribe"},
        {"unsubscribe", personal.unsubscribe},
        {"preferences", personal.preferences},
        {"view_online", prepared.published ? base + "/archive/" + prepared.slug : ""}}},
      {"content", {{"sections", std::move(sections)}}},
  };
  if (prepared.digest) {
    add_digest_context(context, prepared, base);
  }
  return context;
}

std::vector<MimeHeader> letter_headers(const PreparedIssue& prepared,
                                       const PersonalValues& personal,
                                       const SenderIdentity& identity, Timestamp now,
                                       const std::string& message_id) {
  const Issue& issue = prepared.issue;
  const std::string domain = identity.domain();
  const std::string from_name = !issue.from_name.empty()      ? issue.from_name
                                : !identity.from_name.empty() ? identity.from_name
                                                              : identity.organisation;
  const std::string from_address =
      issue.from_address.empty() ? identity.from_address : issue.from_address;
  const std::string reply_to = issue.reply_to.empty() ? identity.reply_to : issue.reply_to;
  const std::string token = personal.unsubscribe.substr(personal.unsubscribe.rfind('/') + 1);
  std::string list_label = slugify(prepared.list.name);
  if (list_label.empty()) {
    list_label = "list-" + std::to_string(prepared.list.id);
  }
  std::vector<MimeHeader> headers = {
      {"From", format_mailbox({from_name, from_address})},
      {"To", format_mailbox({personal.name, personal.email})},
      {"Subject", encode_unstructured(issue.subject)},
      {"Date", format_rfc5322_date(now)},
      {"Message-ID", message_id},
  };
  if (!reply_to.empty()) {
    headers.push_back({"Reply-To", format_mailbox({"", reply_to})});
  }
  // RFC 2919: the phrase is for people (the list's display name), the id stays the name's.
  headers.push_back({"List-Id", format_mailbox({std::string(prepared.list.display_name()),
                                                list_label + "." + domain})});
  headers.push_back({"List-Unsubscribe", "<" + personal.unsubscribe + ">, <mailto:unsubscribe@" +
                                             domain + "?subject=unsubscribe-" + token + ">"});
  headers.push_back({"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"});
  headers.push_back({"Feedback-ID", fmt::format("{}:{}:{}:communique", issue.id, prepared.list.id,
                                                to_string(issue.kind))});
  return headers;
}

}  // namespace letter_parts

Result<std::string> render_web_version(const PreparedIssue& prepared,
                                       const SenderIdentity& identity, Timestamp date) {
  // The page itself: no "view in your browser", and a subscribe link for personal ones.
  letter_parts::PersonalValues nobody;
  nobody.personal = false;
  PreparedIssue page = prepared;
  page.published = false;
  return page.templates.html.render(letter_parts::template_context(page, nobody, identity, date));
}

nlohmann::json LetterComposer::context(const PreparedIssue& prepared, const Subscriber& subscriber,
                                       Timestamp now) const {
  return letter_parts::template_context(
      prepared,
      letter_parts::personal_values(subscriber, prepared, identity_, links_, now,
                                    PersonalLinks::live),
      identity_, now);
}

Result<std::string> LetterComposer::compose(const PreparedIssue& prepared,
                                            const Subscriber& subscriber, Timestamp now,
                                            const std::string& message_id) const {
  auto planned = compose_planned(prepared, subscriber, now, message_id);
  if (planned || planned.error().code != ErrorCode::unavailable) {
    return planned;
  }
  return compose_in_full(prepared, subscriber, now, message_id);
}

Result<LetterPreview> LetterComposer::preview(const PreparedIssue& prepared,
                                              const Subscriber& subscriber, Timestamp now) const {
  return render_parts(prepared, subscriber, now, PersonalLinks::inert);
}

Result<LetterPreview> LetterComposer::render_parts(const PreparedIssue& prepared,
                                                   const Subscriber& subscriber, Timestamp now,
                                                   PersonalLinks links) const {
  const auto personal =
      letter_parts::personal_values(subscriber, prepared, identity_, links_, now, links);
  const auto data = letter_parts::template_context(prepared, personal, identity_, now);
  auto html = prepared.templates.html.render(data);
  if (!html) {
    return std::move(html).error();
  }
  auto text = prepared.templates.text.render(data);
  if (!text) {
    return std::move(text).error();
  }
  return LetterPreview{personalise_tracking(std::move(*html), prepared, subscriber.id, now, links),
                       personalise_tracking(std::move(*text), prepared, subscriber.id, now, links)};
}

Result<std::string> LetterComposer::compose_in_full(const PreparedIssue& prepared,
                                                    const Subscriber& subscriber, Timestamp now,
                                                    const std::string& message_id) const {
  // A letter sent: its links are live (a preview's are not).
  auto parts = render_parts(prepared, subscriber, now, PersonalLinks::live);
  if (!parts) {
    return std::move(parts).error();
  }
  const auto personal = letter_parts::personal_values(subscriber, prepared, identity_, links_, now,
                                                      PersonalLinks::live);
  const auto headers = letter_parts::letter_headers(prepared, personal, identity_, now, message_id);
  // "=_" never occurs in quoted-printable output, so this boundary cannot clash.
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(message_id.data()), message_id.size(), digest);
  const std::string boundary = "=_" + letter_parts::hex(digest, 12);
  std::string message = build_alternative_message(headers, parts->text, parts->html, boundary);
  if (signers_.empty()) {
    return message;
  }
  return dkim_sign(std::move(message), signers_, now);
}

}  // namespace communique
