// Runtime: what a command needs once the command line is parsed: the settings (file and
// environment) and the opened store; and the small helpers every command shares.
#pragma once

#include <memory>
#include <string>

#include "app/commands.hpp"
#include "app/settings.hpp"
#include "bounces/verp.hpp"
#include "delivery/campaign_runner.hpp"
#include "delivery/reply_policy.hpp"
#include "delivery/transport.hpp"
#include "http/services.hpp"
#include "mail/letter.hpp"
#include "store/store.hpp"

namespace communique {

enum class Verbosity { quiet, chatty };  // commands log warnings; the server logs requests

struct Runtime {
  AppSettings settings;
  std::unique_ptr<Store> store;
};

// Whether the settings saved through the API apply over the file (all commands but the
// one that removes them, which must run even when they no longer fit the file).
enum class SavedSettings { apply, ignore };

Result<Runtime> open_runtime(const GlobalOptions& global, Verbosity verbosity,
                             SavedSettings saved = SavedSettings::apply);

// The runtime and the list named `name`, for the commands that work on one list.
struct ListRuntime {
  Runtime runtime;
  MailingList list;
};
Result<ListRuntime> open_list(const GlobalOptions& global, const std::string& name);

// `path` as given when absolute, else inside the data directory.
std::filesystem::path in_data_dir(const GlobalOptions& global, const std::string& path);

// Saves `changes` (PATCH /api/v1/settings) once the configuration with them (file, saved,
// environment) is valid and its DKIM keys and transport can be made; returns the settings
// that then apply, as JSON without secrets. invalid_input for a setting the API does not
// change, or one that does not fit (settings_commands.cpp).
Result<std::string> save_settings(const GlobalOptions& global, Store& store,
                                  const SettingsChanges& changes, Timestamp now);

// The signer of personal links, with the installation's secret (made on first use).
Result<LinkSigner> make_link_signer(Runtime& runtime);

// The key of VERP return paths (bounces/verp.hpp), from the same secret.
Result<VerpKey> make_verp_key(Runtime& runtime);

// The composer for this installation: its link secret (created on first use), sender
// identity and DKIM keys.
Result<LetterComposer> make_composer(const GlobalOptions& global, Runtime& runtime);

// The configured transport: the outbox Maildir, or the SMTP relay pool.
Result<std::unique_ptr<Transport>> make_transport(const GlobalOptions& global,
                                                  const Runtime& runtime);
Result<std::unique_ptr<Transport>> make_transport(const GlobalOptions& global,
                                                  const AppSettings& settings);

// A signer for each DKIM key configured (none: letters go unsigned).
Result<std::vector<DkimSigner>> make_dkim_signers(const GlobalOptions& global,
                                                  const AppSettings& settings);

// The campaign runner with the composer, transport and reply policy it sends with, made from
// the settings in force ([delivery] window): the one place the runner is wired, for `send`
// and `serve`. Held by pointer and never moved, since the runner refers to the others.
// Warns when an SMTP relay is to be greeted as "localhost".
struct CampaignSending {
  CampaignSending(Store& store, LetterComposer composer_made,
                  std::unique_ptr<Transport> transport_made, ReplyPolicy policy_made,
                  RunnerSettings settings)
      : composer(std::move(composer_made)),
        transport(std::move(transport_made)),
        policy(std::move(policy_made)),
        runner(store, composer, *transport, policy, system_clock_now, std::move(settings)) {}
  CampaignSending(const CampaignSending&) = delete;
  CampaignSending& operator=(const CampaignSending&) = delete;

  LetterComposer composer;
  std::unique_ptr<Transport> transport;
  ReplyPolicy policy;
  CampaignRunner runner;
};
Result<std::unique_ptr<CampaignSending>> make_campaign_sending(const GlobalOptions& global,
                                                               Runtime& runtime);

// The text of a file as UTF-8 (a byte-order mark dropped); "-" reads standard input.
Result<std::string> read_text_file(const std::filesystem::path& path);

// The section of `list` named `name` (ignoring ASCII case, as the store does); the error
// names the sections there are and how to list them (post_commands.cpp).
Result<Section> section_named(Store& store, const MailingList& list, const std::string& name);
// The topics of `list` named `names`, as ids; the error names the topics there are
// (post_commands.cpp).
Result<std::vector<TopicId>> topics_named(Store& store, const MailingList& list,
                                          const std::vector<std::string>& names);

// Prints "communique: MESSAGE" to standard error; returns exit code 1.
int fail(const std::string& message);
int fail(const Error& error);

}  // namespace communique
