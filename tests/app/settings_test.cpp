#include "app/settings.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.hpp"

namespace communique {
namespace {

class SettingsTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& content) {
    auto path = dir_.path() / "communique.toml";
    std::ofstream(path) << content;
    return path;
  }
  communique::testing::TempDir dir_;
};

TEST_F(SettingsTest, DefaultsWithoutFileOrEnvironment) {
  auto settings = load_settings(std::nullopt, {});
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(settings->store.backend, "sqlite");
  EXPECT_EQ(settings->import.batch_size, 50000u);
  EXPECT_FALSE(settings->log_level);
}

TEST_F(SettingsTest, SavedSettingsGoOverTheFileAndTheEnvironmentOverBoth) {
  auto file = write("[sender]\norganisation = \"Embassy\"\nfrom_name = \"Press\"\n");
  const std::map<std::string, std::string> saved{{"sender.organisation", "Embassy Office"},
                                                 {"sender.from_name", "Press Office"}};
  auto settings =
      load_settings(file, {{"COMMUNIQUE_SENDER__FROM_NAME", "The Press Office"}}, saved);
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->sender.organisation, "Embassy Office");
  EXPECT_EQ(settings->sender.from_name, "The Press Office");
  auto unknown = load_settings(file, {}, {{"sender.colour", "red"}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown setting sender.colour (saved through the API)");
}

TEST(SettableThroughApi, OnlyTheSectionsThatDoNotSetUpTheProcess) {
  for (const char* name : {"sender.organisation", "delivery.transport", "smtp.password",
                           "limits.messages_per_hour", "dkim.rsa_selector"}) {
    EXPECT_TRUE(settable_through_api(name)) << name;
  }
  for (const char* name : {"server.listen", "store.sqlite_file", "log.level", "import.batch_size",
                           "sender", "sender.", "senders.organisation"}) {
    EXPECT_FALSE(settable_through_api(name)) << name;
  }
}

TEST_F(SettingsTest, FileValuesAndEnvironmentOverrides) {
  auto file = write(
      "[server]\nlisten = \"0.0.0.0:9000\"\nread_timeout_seconds = 5\n"
      "[import]\nbatch_size = 100\n[log]\nlevel = \"debug\"\n");
  auto settings = load_settings(
      file,
      {{"COMMUNIQUE_IMPORT__BATCH_SIZE", "250"}, {"COMMUNIQUE_UNRELATED", "x"}, {"HOME", "/root"}});
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->server.listen, "0.0.0.0:9000");
  EXPECT_EQ(settings->server.read_timeout, std::chrono::seconds(5));
  EXPECT_EQ(settings->import.batch_size, 250u);
  EXPECT_EQ(settings->log_level, "debug");
}

TEST_F(SettingsTest, TyposAndBadValuesAreErrors) {
  auto typo = load_settings(write("[server]\nlisen = \"x\"\n"), {});
  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().message, "unknown setting server.lisen");
  auto env_typo = load_settings(std::nullopt, {{"COMMUNIQUE_SERVER__LISEN", "x"}});
  ASSERT_FALSE(env_typo);
  EXPECT_EQ(env_typo.error().message, "unknown setting server.lisen (from the environment)");
  auto wrong_type = load_settings(write("[import]\nbatch_size = \"many\"\n"), {});
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.error().message, "import.batch_size must be a whole number");
  auto bad_env = load_settings(std::nullopt, {{"COMMUNIQUE_IMPORT__BATCH_SIZE", "12x"}});
  ASSERT_FALSE(bad_env);
  EXPECT_EQ(bad_env.error().message, "import.batch_size must be a whole number, not '12x'");
  auto zero = load_settings(std::nullopt, {{"COMMUNIQUE_IMPORT__BATCH_SIZE", "0"}});
  ASSERT_FALSE(zero);
}

TEST_F(SettingsTest, TheIssueLeaseLastsAMinuteUnlessSetAndAtLeastFourSeconds) {
  EXPECT_EQ(load_settings(std::nullopt, {})->delivery.lease.ttl, std::chrono::seconds(60));
  auto set = load_settings(std::nullopt, {{"COMMUNIQUE_DELIVERY__LEASE_SECONDS", "20"}});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->delivery.lease.ttl, std::chrono::seconds(20));
  auto short_lease = load_settings(write("[delivery]\nlease_seconds = 2\n"), {});
  ASSERT_FALSE(short_lease);
  EXPECT_EQ(short_lease.error().message,
            "delivery.lease_seconds must be at least 4 (the lease is renewed every quarter of it)");
}

TEST_F(SettingsTest, FeedsRefusePrivateNetworksUnlessAllowedAndCheckTheirLimits) {
  auto defaults = load_settings(std::nullopt, {});
  ASSERT_TRUE(defaults);
  EXPECT_FALSE(defaults->feeds.allow_private_networks);
  EXPECT_EQ(defaults->feeds.max_body_mb, 15U);
  EXPECT_EQ(defaults->feeds.timeout, std::chrono::seconds(20));
  EXPECT_EQ(defaults->feeds.default_every, std::chrono::hours(1));
  EXPECT_EQ(defaults->feeds.poll_concurrency, 2U);
  auto set = load_settings(write("[feeds]\nallow_private_networks = true\nmax_body_mb = 1\n"
                                 "timeout_seconds = 5\ndefault_every = \"30m\"\n"
                                 "poll_concurrency = 4\n"),
                           {});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_TRUE(set->feeds.allow_private_networks);
  EXPECT_EQ(set->feeds.default_every, std::chrono::minutes(30));
  EXPECT_EQ(set->feeds.poll_concurrency, 4U);
  auto every = load_settings(write("[feeds]\ndefault_every = \"often\"\n"), {});
  ASSERT_FALSE(every);
  EXPECT_EQ(every.error().message, "feeds.default_every must be a duration such as 30m, 2h or 1d");
  auto body = load_settings(std::nullopt, {{"COMMUNIQUE_FEEDS__MAX_BODY_MB", "0"}});
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().message, "feeds.max_body_mb must be 1 to 1024");
}

TEST_F(SettingsTest, RateLimitsAndDomainLines) {
  auto file = write(
      "[limits]\nmessages_per_second = 40\nmessages_per_hour = 50000\n"
      "domain_max_connections = 5\n"
      "domains = [{ domain = \"GMail.com\", max_connections = 10, "
      "messages_per_second = 20 }]\n");
  auto settings = load_settings(file, {});
  ASSERT_TRUE(settings) << settings.error().message;
  const auto& limits = settings->limits;
  EXPECT_EQ(limits.messages_per_second, 40.0);
  EXPECT_EQ(limits.messages_per_hour, 50000);
  EXPECT_EQ(limits.default_domain.max_concurrent, 5u);
  ASSERT_EQ(limits.domains.size(), 1u);
  EXPECT_EQ(limits.domains[0].domain, "gmail.com");
  EXPECT_EQ(limits.domains[0].max_concurrent, 10u);
  auto broken = load_settings(write("[limits]\ndomains = [{ max_connections = 1 }]\n"), {});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message, "limits.domains: every entry needs a domain");
}

TEST_F(SettingsTest, OneRelayOrSeveral) {
  auto one = load_settings(write("[smtp]\nhost = \"relay.example.org\"\nport = 587\n"),
                           {{"COMMUNIQUE_SMTP__PORT", "2525"}});
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_EQ(one->smtp.size(), 1u);
  EXPECT_EQ(one->smtp[0].host, "relay.example.org");
  EXPECT_EQ(one->smtp[0].port, 2525);
  auto several = load_settings(
      write("[[smtp]]\nhost = \"a.example.org\"\nport = 25\ntls = \"none\"\n"
            "messages_per_second = 14\n[[smtp]]\nhost = \"b.example.org\"\nport = 465\n"
            "tls = \"tls\"\nusername = \"u\"\n"),
      {});
  ASSERT_TRUE(several) << several.error().message;
  ASSERT_EQ(several->smtp.size(), 2u);
  EXPECT_EQ(several->smtp[0].messages_per_second, 14.0);
  EXPECT_EQ(several->smtp[1].tls, SmtpTls::tls);
  EXPECT_EQ(several->smtp[1].username, "u");
  auto typo = load_settings(write("[[smtp]]\nhost = \"a\"\nprot = 25\n"), {});
  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().message, "[[smtp]] number 1: unknown setting prot");
}

TEST_F(SettingsTest, ASyntaxErrorNamesLineAndColumn) {
  auto broken = load_settings(write("[server]\nlisten = \n"), {});
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("communique.toml:2:"), std::string::npos)
      << broken.error().message;
}

TEST(DefaultHeloName, IsTheHostOfTheBaseUrlWhenItIsADomainName) {
  const auto machine = [] { return std::string("box.example.net"); };
  EXPECT_EQ(default_helo_name("https://news.example.org", machine), "news.example.org");
  EXPECT_EQ(default_helo_name("https://news.example.org:8443/press?x=1", machine),
            "news.example.org");
  EXPECT_EQ(default_helo_name("https://user@news.example.org/", machine), "news.example.org");
}

TEST(DefaultHeloName, IsTheMachinesNameWhenTheBaseUrlNamesNoDomain) {
  const auto machine = [] { return std::string("box.example.net"); };
  for (const char* url : {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
                          "https://", "http://intranet/"}) {
    EXPECT_EQ(default_helo_name(url, machine), "box.example.net") << url;
  }
}

TEST_F(SettingsTest, ARelayIsGreetedWithTheBaseUrlsHostUnlessItsHeloNameIsSet) {
  auto derived = load_settings(write("[sender]\nbase_url = \"https://news.example.org/\"\n"
                                     "[delivery]\ntransport = \"smtp\"\n"),
                               {});
  ASSERT_TRUE(derived) << derived.error().message;
  EXPECT_EQ(derived->smtp.at(0).helo_name, "news.example.org");
  auto set = load_settings(std::nullopt, {{"COMMUNIQUE_DELIVERY__TRANSPORT", "smtp"},
                                          {"COMMUNIQUE_SENDER__BASE_URL", "https://a.example.org"},
                                          {"COMMUNIQUE_SMTP__HELO_NAME", "mx.example.org"}});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->smtp.at(0).helo_name, "mx.example.org");
}

TEST(RunnerSettings, TheRunnerAndTheConfigurationShareOneDefaultWindow) {
  EXPECT_EQ(RunnerSettings{}.window, 100U);
  EXPECT_EQ(AppSettings{}.delivery.window, RunnerSettings{}.window);
}

TEST_F(SettingsTest, ValidateChecksSettingsMadeInCode) {
  AppSettings settings;
  ASSERT_TRUE(validate(settings));
  settings.delivery.window = 0;
  auto refused = validate(settings);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "delivery.window must be 1 to 10000");
}

TEST_F(SettingsTest, AGreetingOrBaseUrlThatCouldCarryALineBreakIsRefused) {
  AppSettings settings;
  settings.smtp.resize(1);
  for (const std::string name : {"good.example\r\nNOOP injected", "two words", "a;b", "[1.2.3.4"}) {
    settings.smtp[0].helo_name = name;
    auto refused = validate(settings);
    ASSERT_FALSE(refused) << name;
    EXPECT_EQ(refused.error().message,
              "smtp.helo_name must be a host name (letters, digits, dots and hyphens) or an "
              "address literal such as [192.0.2.1]");
  }
  for (const std::string name : {"mail.example.org", "[192.0.2.1]", "[IPv6:2001:db8::1]"}) {
    settings.smtp[0].helo_name = name;
    EXPECT_TRUE(validate(settings)) << name;
  }
  settings.sender.base_url = "https://news.example.org\r\nX-Injected: 1";
  auto refused = validate(settings);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "sender.base_url must not contain spaces or control characters");
}

}  // namespace
}  // namespace communique
