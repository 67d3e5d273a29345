// Letters: an issue made into the exact bytes one subscriber receives.
//
// Work that is the same for every subscriber (Markdown rendered to HTML and text, HTML
// bodies sanitised, templates compiled) is done once in prepare_issue; compose() then only fills
// the templates with the subscriber's context, writes MIME and signs. The template context is
// documented in docs/templates.md and holds nothing else: no settings, no environment.
//
// Every letter carries List-Id (RFC 2919), List-Unsubscribe with an HTTPS link and a
// mailto (RFC 2369), List-Unsubscribe-Post for one-click (RFC 8058) and Feedback-ID; its
// personal links are signed tokens (security/link_token.hpp).
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.hpp"
#include "content/template.hpp"
#include "core/issue.hpp"
#include "core/mailing_list.hpp"
#include "core/sender_identity.hpp"
#include "core/subscriber.hpp"
#include "mail/dkim.hpp"
#include "mail/mime.hpp"
#include "security/link_token.hpp"

namespace communique {

struct LetterTemplates {
  Template html;
  Template text;
};

// The templates called `name`: "default" is built in (for a digest, the built-in digest
// pair); any other name is read from DATA_DIR/templates/NAME.html and NAME.txt. Names are
// letters, digits, '-' and '_' only.
Result<LetterTemplates> load_letter_templates(const std::string& name,
                                              const std::filesystem::path& data_dir,
                                              IssueKind kind = IssueKind::letter);

// Whether `name` may name a template: letters, digits, '-' and '_'.
bool valid_template_name(const std::string& name);

// The names of the templates there are: "default" and each DATA_DIR/templates/NAME.html
// that has its NAME.txt, sorted.
std::vector<std::string> letter_template_names(const std::filesystem::path& data_dir);

// One post of a digest as templates show it, rendered once (Markdown → HTML and text).
struct RenderedItem {
  PostId post = 0;  // the version shown (an original or a translation)
  std::string title;
  std::string html;
  std::string text;
  std::string slug;                 // its page: base_url/posts/{slug}
  std::string published;            // "3 December 2026"
  std::string anchor;               // "post-12": its place in the letter, for the table of contents
  std::vector<std::string> topics;  // names
  bool cut = false;  // excerpt_words cut it: the template links to the rest ("Read more")
};

struct RenderedSection {
  std::string title;
  std::string html;
  std::string text;
  // A digest's section: its anchor ("section-1") and the items it shows.
  std::string anchor;
  std::vector<std::shared_ptr<const RenderedItem>> items;
};

struct DigestContent;  // mail/digest.hpp: every item of a digest, in every language

// Work done once per issue and day so that composing a letter costs little more than its
// signature (see letter_plan.cpp). Opaque outside the mail module.
struct LetterPlan;

struct PreparedIssue {
  Issue issue;
  MailingList list;  // the list named in List-Id and Feedback-ID
  std::vector<RenderedSection> sections;
  std::string slug;       // for the web version: "12-weekly-digest"
  std::string preheader;  // the first words of the letter, shown by inboxes
  LetterTemplates templates;
  // A digest's items in every version (kind digest); `sections` then hold one reader's
  // selection of them (mail/digest.hpp).
  std::shared_ptr<const DigestContent> digest;
  std::shared_ptr<const LetterPlan> plan;  // set by LetterComposer::plan
  // Set by track_links when links or the open pixel name the subscriber: each letter is
  // then rendered in full (no plan), as its links differ from everyone else's.
  bool personal_tracking = false;
  // Whether the archive shows the issue once it went out (its `archive` flag, and every
  // list public): only then do letters link to their web version.
  bool published = true;
};

// The archive name of an issue: "12-weekly-digest" (id, then the subject's words).
std::string issue_slug(const Issue& issue);

Result<PreparedIssue> prepare_issue(const Issue& issue, const MailingList& list,
                                    LetterTemplates templates);

// The web version of an issue (the archive page "View in your browser" opens): the HTML
// template with no subscriber's data; the personal links point to the landing page.
Result<std::string> render_web_version(const PreparedIssue& issue, const SenderIdentity& identity,
                                       Timestamp date);

// Whether a letter's personal links (unsubscribe, preferences, tracked clicks, the open
// pixel) open what they name, as in letters sent, or nothing, as in previews: whoever may
// read a preview (a viewer) must not get a subscriber's pages from it.
enum class PersonalLinks { live, inert };

// An issue as one subscriber would read it, its two parts unsigned: what previews show
// (with inert links), and what a letter rendered in full is made of.
struct LetterPreview {
  std::string html;
  std::string text;
};

class LetterComposer {
 public:
  LetterComposer(SenderIdentity identity, LinkSigner links, std::vector<DkimSigner> signers)
      : identity_(std::move(identity)), links_(std::move(links)), signers_(std::move(signers)) {}

  // Renders `issue` once for letters sent on the day of `now`, with the personal values
  // left as slots, and encodes, canonicalizes and hashes what is the same for everyone.
  // Templates that branch on personal values ({{#subscriber.name}}) cannot be planned:
  // the plan is then left empty and compose() renders each letter in full, which gives
  // the same letter more slowly. Personal values are always HTML-escaped in a planned
  // HTML template, even inside {{{triple}}} braces.
  void plan(PreparedIssue& issue, Timestamp now) const;

  // The message for `subscriber`, signed by every configured DKIM key.
  Result<std::string> compose(const PreparedIssue& issue, const Subscriber& subscriber,
                              Timestamp now, const std::string& message_id) const;

  // The web links of `issue` whose clicks are counted, each once, in the order they first
  // appear; none when the issue counts no clicks. The store registers them (an id each).
  static std::vector<std::string> links_to_count(const PreparedIssue& issue);

  // Points the links counted (`urls[i]`, registered as `ids[i]`) at counted redirects
  // (base_url/l/{token}), in the HTML and the text part alike; the tokens name the
  // subscriber only when the issue tracks subscribers. When it tracks opens, adds the
  // pixel (base_url/o/{token}). Call it before plan(). Does nothing for an issue that
  // tracks nothing. (delivery/issue_letters does both steps with the store.)
  void track_links(PreparedIssue& issue, std::span<const std::string> urls,
                   std::span<const std::int64_t> ids, Timestamp now) const;

  // `text` with the tracking placeholders of `issue` made personal for `subscriber`
  // (with inert links, placeholders become links that open nothing).
  std::string personalise_tracking(std::string text, const PreparedIssue& issue,
                                   SubscriberId subscriber, Timestamp now,
                                   PersonalLinks links) const;

  // The HTML and text parts `subscriber` would receive (rendered in full, unsigned), with
  // every personal link inert: a preview shows what a letter looks like, never a way in.
  Result<LetterPreview> preview(const PreparedIssue& issue, const Subscriber& subscriber,
                                Timestamp now) const;

  // A short notice to one person from the sender (a request to confirm a subscription):
  // plain text, signed like letters, with no List-* headers (it is not list mail).
  Result<std::string> compose_notice(const Mailbox& to, const std::string& subject,
                                     const std::string& text, Timestamp now) const;

  // What the templates see for `subscriber` in a letter sent (live links).
  nlohmann::json context(const PreparedIssue& issue, const Subscriber& subscriber,
                         Timestamp now) const;

  // The envelope sender (MAIL FROM) of the issue's letters: where bounces go.
  std::string envelope_from(const PreparedIssue& issue) const;

  // A new Message-ID for a letter from this sender: <random@sender-domain>.
  std::string new_message_id() const;

 private:
  // The HTML and text parts rendered in full with `links` (letters and previews share it).
  Result<LetterPreview> render_parts(const PreparedIssue& issue, const Subscriber& subscriber,
                                     Timestamp now, PersonalLinks links) const;
  Result<std::string> compose_in_full(const PreparedIssue& issue, const Subscriber& subscriber,
                                      Timestamp now, const std::string& message_id) const;
  Result<std::string> compose_planned(const PreparedIssue& issue, const Subscriber& subscriber,
                                      Timestamp now, const std::string& message_id) const;

  SenderIdentity identity_;
  LinkSigner links_;
  std::vector<DkimSigner> signers_;
};

}  // namespace communique
