// The commands of the `communique` binary, one function each. Each command group fills
// their option structs from the command line (app/command_groups.hpp); each command prints
// its own result to standard output, errors to standard error ("communique: ..." with what
// to do next), and returns the process exit code: 0 done, 1 failed (send: 3 when nothing
// could be sent and letters wait to be retried).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "digest/digest_form.hpp"
#include "store/account_store.hpp"

namespace communique {

struct GlobalOptions {
  std::filesystem::path data_dir = "communique-data";
  std::optional<std::filesystem::path> config;
  std::optional<std::string> log_level;
};

struct ServeOptions {
  std::optional<std::string> listen;
};

struct ListCreateOptions {
  std::string name;
  std::string title;
  std::string description;
  std::string opt_in = "single";
  bool is_private = false;
};

// An absent option leaves the field as it is; an empty title shows the list by its name.
struct ListUpdateOptions {
  std::string name;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> fallback_language;  // "" clears it
  std::optional<std::string> cadence;            // the list's default cadence
};

// `sections move`: to a position (1 first, as `sections ls` shows) or before another section.
struct SectionMoveOptions {
  std::string list;
  std::string name;
  std::optional<int> to;
  std::optional<std::string> before;
};

// `posts add`: FILE is the Markdown body ("-": standard input).
struct PostAddOptions {
  std::string list;
  std::string section;
  std::vector<std::string> topics;
  std::string language;
  std::optional<std::int64_t> translation_of;
  bool draft = false;
  std::optional<std::string> published_at;
  std::string title;
  std::string file;
};

struct PostListOptions {
  std::optional<std::string> list;
  std::optional<std::string> since;
  std::optional<std::string> status;
  std::size_t limit = 100;
  bool json = false;
};

// `posts update`: only the fields given change.
struct PostUpdateOptions {
  std::int64_t post = 0;
  std::optional<std::string> title;
  std::optional<std::string> section;
  std::vector<std::string> topics;
  bool no_topics = false;
  std::optional<std::string> language;
  std::optional<std::string> body;
  std::optional<std::int64_t> translation_of;  // makes it a translation of that post
  bool original = false;                       // makes it an original again
};

struct TopicCreateOptions {
  std::string list;
  std::string name;
  std::string description;
};

struct ImportOptions {
  std::string list;
  std::filesystem::path file;
  std::string mode = "upsert";
  std::string status = "confirmed";
};

struct ExportOptions {
  std::string list;
  std::string format = "csv";
};

enum class OutputFormat { text, json };

struct IssueCreateOptions {
  std::vector<std::string> lists;
  std::string subject;
  std::filesystem::path body;
  std::string format = "markdown";
  std::string template_name = "default";
  std::string language;
  std::string from_name;
  std::string from_address;
  std::string reply_to;
  bool archive = true;
  std::string date;  // the edition date, "YYYY-MM-DD"; empty: the day letters are made
  std::vector<std::string> topics;  // names of its lists' topics; none: every subscriber
};

// What `issues update` changes: only the fields given.
struct IssueUpdateOptions {
  std::int64_t issue = 0;
  std::optional<bool> archive;
  std::optional<std::string> date;  // "YYYY-MM-DD"; "" clears it
};

struct RenderOptions {
  std::int64_t issue = 0;
  std::string to;
};

struct DkimKeygenOptions {
  std::string domain;
  std::string selector;
  std::string algorithm = "rsa";
};

int run_version();
int run_serve(const GlobalOptions& global, const ServeOptions& options);
int run_lists_create(const GlobalOptions& global, const ListCreateOptions& options);
int run_lists_update(const GlobalOptions& global, const ListUpdateOptions& options);
int run_lists_ls(const GlobalOptions& global, OutputFormat format);

// Accounts (account_commands.cpp). Passwords are read from standard input.
int run_users_add(const GlobalOptions& global, const std::string& name, const std::string& role);
// Ends the user's sessions and, unless `tokens` is keep, revokes their API tokens.
int run_users_passwd(const GlobalOptions& global, const std::string& name, ExistingTokens tokens);
int run_users_ls(const GlobalOptions& global);
int run_tokens_create(const GlobalOptions& global, const std::string& user,
                      const std::string& name);
int run_tokens_ls(const GlobalOptions& global, const std::string& user);
int run_tokens_revoke(const GlobalOptions& global, const std::string& user, std::int64_t id);
// Settings saved through the API (settings_commands.cpp).
int run_settings_saved(const GlobalOptions& global);
int run_settings_forget(const GlobalOptions& global, const std::vector<std::string>& names);

int run_topics_create(const GlobalOptions& global, const TopicCreateOptions& options);
int run_topics_ls(const GlobalOptions& global, const std::string& list);
int run_import(const GlobalOptions& global, const ImportOptions& options);
int run_export(const GlobalOptions& global, const ExportOptions& options);
int run_subscribers_count(const GlobalOptions& global, const std::optional<std::string>& list);
int run_issues_create(const GlobalOptions& global, const IssueCreateOptions& options);
int run_issues_update(const GlobalOptions& global, const IssueUpdateOptions& options);
int run_issues_ls(const GlobalOptions& global, OutputFormat format);
int run_issues_show(const GlobalOptions& global, std::int64_t issue);
int run_render(const GlobalOptions& global, const RenderOptions& options);
// `issues preview ID [--subscriber EMAIL] [--html]`: the letter's text (or HTML) part as
// that subscriber would read it (a digest: their selection), with inert links.
struct PreviewOptions {
  std::int64_t issue = 0;
  std::string subscriber;
  bool html = false;
};
int run_issues_preview(const GlobalOptions& global, const PreviewOptions& options);
int run_send(const GlobalOptions& global, std::int64_t issue, bool wait);
int run_issues_status(const GlobalOptions& global, std::int64_t issue);
enum class IssueControl { pause, resume, cancel };
int run_issues_control(const GlobalOptions& global, std::int64_t issue, IssueControl control);
// `issues schedule`: at a time to come (`at`), or at once (`now`); a past time is refused.
struct ScheduleOptions {
  std::int64_t issue = 0;
  std::string at;
  bool now = false;
  std::string expire_after;
};
int run_issues_schedule(const GlobalOptions& global, const ScheduleOptions& options);
// Sections and posts (post_commands.cpp).
int run_sections_create(const GlobalOptions& global, const std::string& list,
                        const std::string& name);
int run_sections_ls(const GlobalOptions& global, const std::string& list);
int run_sections_move(const GlobalOptions& global, const SectionMoveOptions& options);
int run_sections_rename(const GlobalOptions& global, const std::string& list,
                        const std::string& name, const std::string& new_name);
int run_sections_rm(const GlobalOptions& global, const std::string& list, const std::string& name);
int run_posts_add(const GlobalOptions& global, const PostAddOptions& options);
int run_posts_ls(const GlobalOptions& global, const PostListOptions& options);
int run_posts_show(const GlobalOptions& global, std::int64_t post);
int run_posts_publish(const GlobalOptions& global, std::int64_t post,
                      const std::optional<std::string>& at);
int run_posts_update(const GlobalOptions& global, const PostUpdateOptions& options);
int run_posts_rm(const GlobalOptions& global, std::int64_t post);
// Digests (digest_commands.cpp): what is written is read as digest_form reads it.
int run_digests_create(const GlobalOptions& global, const std::string& list,
                       const DigestInput& input);
int run_digests_ls(const GlobalOptions& global);
int run_digests_show(const GlobalOptions& global, std::int64_t id);
int run_digests_update(const GlobalOptions& global, std::int64_t id, const DigestInput& input);
int run_digests_rm(const GlobalOptions& global, std::int64_t id);
// Runs it now; prints the issue's id and sends it as run_send does, or says it was skipped.
int run_digests_run(const GlobalOptions& global, std::int64_t id);
int run_dkim_keygen(const GlobalOptions& global, const DkimKeygenOptions& options);
int run_subscribers_show(const GlobalOptions& global, const std::string& email,
                         OutputFormat format);

}  // namespace communique
