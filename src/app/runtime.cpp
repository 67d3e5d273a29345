#include "app/runtime.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "base/log.hpp"
#include "base/text.hpp"
#include "delivery/maildir_transport.hpp"
#include "security/link_token.hpp"
#include "smtp/smtp_transport.hpp"
#include "store/open_store.hpp"

namespace communique {

namespace {
constexpr std::string_view kLinkSecretName = "link-signing";
}  // namespace

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::ostringstream content;
  if (path == "-") {
    content << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return make_error(ErrorCode::io, "cannot read " + path.string());
    }
    content << in.rdbuf();
  }
  std::string text = std::move(content).str();
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.erase(0, 3);
  }
  if (!is_valid_utf8(text)) {
    return make_error(
        ErrorCode::invalid_input,
        (path == "-" ? std::string("standard input") : path.string()) + " is not valid UTF-8");
  }
  return text;
}

int fail(const std::string& message) {
  fmt::print(stderr, "communique: {}\n", message);
  return 1;
}

int fail(const Error& error) {
  // What to do next when something named does not exist: the command that lists them.
  if (error.code == ErrorCode::not_found) {
    if (error.message.starts_with("there is no issue ")) {
      return fail(error.message + "; `communique issues ls` lists the issues");
    }
    if (error.message.starts_with("there is no post ")) {
      return fail(error.message + "; `communique posts ls` lists the posts");
    }
    if (error.message.starts_with("there is no list named ")) {
      return fail(error.message + "; `communique lists ls` lists the lists");
    }
  }
  return fail(error.message);
}

Result<Runtime> open_runtime(const GlobalOptions& global, Verbosity verbosity,
                             SavedSettings saved) {
  auto settings = load_settings(global.config, process_environment());
  if (!settings) {
    return make_error(settings.error().code, "configuration: " + settings.error().message);
  }
  const std::string level = global.log_level.value_or(
      settings->log_level.value_or(verbosity == Verbosity::chatty ? "info" : "warn"));
  if (!set_log_level(level)) {
    return make_error(
        ErrorCode::invalid_input,
        "unknown log level '" + level + "'; use trace, debug, info, warn, error or off");
  }
  auto store = open_store(settings->store, global.data_dir);
  if (!store) {
    return std::move(store).error();
  }
  if (saved == SavedSettings::apply) {
    auto values = (*store)->saved_settings();
    if (!values) {
      return std::move(values).error();
    }
    if (!values->empty()) {
      settings = load_settings(global.config, process_environment(), *values);
      if (!settings) {
        return make_error(
            settings.error().code,
            "configuration, with the settings saved through the API: " + settings.error().message +
                "; `communique settings forget NAME` removes a saved one");
      }
    }
  }
  return Runtime{std::move(*settings), std::move(*store)};
}

Result<ListRuntime> open_list(const GlobalOptions& global, const std::string& name) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return std::move(runtime).error();
  }
  auto list = runtime->store->find_list(name);
  if (!list) {
    return std::move(list).error();
  }
  return ListRuntime{std::move(*runtime), std::move(*list)};
}

std::filesystem::path in_data_dir(const GlobalOptions& global, const std::string& path) {
  const std::filesystem::path given(path);
  return given.is_absolute() ? given : global.data_dir / given;
}

namespace {

// The installation's secret, made on first use; every key that leaves the process derives
// from it.
Result<std::string> installation_secret(Runtime& runtime) {
  return runtime.store->secret(std::string(kLinkSecretName), generate_secret, system_clock_now());
}

}  // namespace

Result<LinkSigner> make_link_signer(Runtime& runtime) {
  auto secret = installation_secret(runtime);
  if (!secret) {
    return std::move(secret).error();
  }
  return LinkSigner::create(*secret);
}

Result<VerpKey> make_verp_key(Runtime& runtime) {
  auto secret = installation_secret(runtime);
  if (!secret) {
    return std::move(secret).error();
  }
  return VerpKey::from_secret(*secret);
}

Result<std::vector<DkimSigner>> make_dkim_signers(const GlobalOptions& global,
                                                  const AppSettings& settings) {
  const auto& dkim = settings.dkim;
  const std::string domain = !dkim.domain.empty() ? dkim.domain : settings.sender.domain();
  std::vector<DkimSigner> signers;
  for (const auto& [selector, file] : {std::pair{dkim.ed25519_selector, dkim.ed25519_key},
                                       std::pair{dkim.rsa_selector, dkim.rsa_key}}) {
    if (file.empty()) {
      continue;
    }
    auto key = DkimKey::from_file(in_data_dir(global, file).string());
    if (!key) {
      return make_error(key.error().code, "dkim: " + key.error().message);
    }
    signers.push_back({domain, selector, std::move(*key)});
  }
  return signers;
}

Result<LetterComposer> make_composer(const GlobalOptions& global, Runtime& runtime) {
  auto links = make_link_signer(runtime);
  if (!links) {
    return std::move(links).error();
  }
  auto signers = make_dkim_signers(global, runtime.settings);
  if (!signers) {
    return std::move(signers).error();
  }
  return LetterComposer(runtime.settings.sender, std::move(*links), std::move(*signers));
}

Result<std::unique_ptr<Transport>> make_transport(const GlobalOptions& global,
                                                  const Runtime& runtime) {
  return make_transport(global, runtime.settings);
}

Result<std::unique_ptr<Transport>> make_transport(const GlobalOptions& global,
                                                  const AppSettings& settings) {
  const auto& delivery = settings.delivery;
  if (delivery.transport == "smtp") {
    auto smtp = SmtpTransport::create(settings.smtp, settings.limits);
    if (!smtp) {
      return std::move(smtp).error();
    }
    return std::unique_ptr<Transport>(std::move(*smtp));
  }
  auto maildir = MaildirTransport::open(in_data_dir(global, delivery.outbox));
  if (!maildir) {
    return std::move(maildir).error();
  }
  return std::unique_ptr<Transport>(std::move(*maildir));
}

namespace {

// The reply policy with the configured retry settings and a real random jitter.
ReplyPolicy make_policy(const Runtime& runtime) {
  auto generator = std::make_shared<std::mt19937_64>(std::random_device{}());
  return ReplyPolicy(runtime.settings.delivery.retry, [generator] {
    return std::uniform_real_distribution<double>(0.0, 1.0)(*generator);
  });
}

}  // namespace

// Receiving servers look the EHLO name up; "localhost" makes letters look forged.
void warn_of_local_helo_name(const AppSettings& settings) {
  if (settings.delivery.transport != "smtp") {
    return;
  }
  for (const auto& relay : settings.smtp) {
    if (ascii_lower(relay.helo_name) == "localhost") {
      logger("smtp")->warn(
          "the relay {} is greeted as 'localhost' (EHLO), which receiving servers may refuse "
          "or take for spam; set [smtp] helo_name, or [sender] base_url, to this server's "
          "public name",
          relay.host);
    }
  }
}

Result<std::unique_ptr<CampaignSending>> make_campaign_sending(const GlobalOptions& global,
                                                               Runtime& runtime) {
  warn_of_local_helo_name(runtime.settings);
  auto composer = make_composer(global, runtime);
  if (!composer) {
    return std::move(composer).error();
  }
  auto transport = make_transport(global, runtime);
  if (!transport) {
    return std::move(transport).error();
  }
  return std::make_unique<CampaignSending>(
      *runtime.store, std::move(*composer), std::move(*transport), make_policy(runtime),
      RunnerSettings{.window = runtime.settings.delivery.window, .data_dir = global.data_dir});
}

}  // namespace communique
