#include "feeds/feed_fetch.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/version.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using testing::fixed_time;

// tests/feeds/feed_server.py run on 127.0.0.1, for every test of the suite; stopped at
// the end with SIGTERM.
class FeedServer {
 public:
  FeedServer() {
    int out[2];
    if (pipe(out) != 0) {
      throw std::runtime_error("pipe failed");
    }
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      const std::string script = std::string(COMMUNIQUE_TESTS_DIR) + "/feeds/feed_server.py";
      execl("/usr/bin/python3", "python3", script.c_str(), "0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') {
      line += c;
    }
    close(out[0]);
    port_ = std::stoi(line);  // throws when the server did not start
  }
  ~FeedServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  FeedServer(const FeedServer&) = delete;
  FeedServer& operator=(const FeedServer&) = delete;

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// The peak resident memory of this process so far, in KiB.
long peak_memory_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

class FeedFetch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new FeedServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // The local server is on loopback: these fetches allow private networks.
  static FetchSettings local() { return FetchSettings{.allow_private_networks = true}; }

  static Result<FetchResult> fetch(std::string_view path, FetchSettings settings = local(),
                                   FetchValidators validators = {}) {
    return fetch_feed(server_->url(path), validators, settings, fixed_time());
  }

  static FeedServer* server_;
};

FeedServer* FeedFetch::server_ = nullptr;

constexpr std::string_view kFeed =
    R"(<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title></channel></rss>)";

TEST_F(FeedFetch, FetchesTheBodyWithItsTypeAndValidators) {
  auto result = fetch("/feed");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, FetchOutcome::fetched);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, kFeed);
  EXPECT_EQ(result->content_type, "application/rss+xml; charset=utf-8");
  EXPECT_EQ(result->final_url, server_->url("/feed"));
  EXPECT_EQ(result->validators.etag, "\"v1\"");
  EXPECT_EQ(result->validators.last_modified, "Tue, 01 Dec 2026 10:00:00 GMT");
  EXPECT_FALSE(result->retry_after);
}

TEST_F(FeedFetch, FetchesFromSeveralThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(4);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&bodies, i] {
      auto result = fetch(i % 2 == 0 ? "/feed" : "/gzip");
      bodies[i] = result ? result->body : result.error().message;
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (const auto& body : bodies) {
    EXPECT_EQ(body, kFeed);
  }
}

TEST_F(FeedFetch, TheValidatorsOfTheLastFetchGetNotModifiedWithoutABody) {
  auto first = fetch("/feed");
  ASSERT_TRUE(first) << first.error().message;
  auto second = fetch("/feed", local(), first->validators);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->outcome, FetchOutcome::not_modified);
  EXPECT_EQ(second->status, 304);
  EXPECT_TRUE(second->body.empty());
  EXPECT_EQ(second->validators.etag, "\"v1\"");
  EXPECT_EQ(second->validators.last_modified, "Tue, 01 Dec 2026 10:00:00 GMT");
}

TEST_F(FeedFetch, LastModifiedAloneIsSentAsIfModifiedSince) {
  auto result =
      fetch("/since", local(), FetchValidators{.last_modified = "Tue, 01 Dec 2026 10:00:00 GMT"});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, FetchOutcome::not_modified);
  EXPECT_EQ(result->validators.last_modified, "Tue, 01 Dec 2026 10:00:00 GMT");
}

TEST_F(FeedFetch, ValidatorsWithLineBreaksAreNotSent) {
  auto result = fetch("/headers", local(), FetchValidators{.etag = "\"a\"\r\nX-Injected: 1"});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->body.find("X-Injected"), std::string::npos) << result->body;
  EXPECT_EQ(result->body.find("If-None-Match"), std::string::npos) << result->body;
}

TEST_F(FeedFetch, AsksForFeedsNamingCommuniqueAndAcceptsCompression) {
  auto result = fetch("/headers");
  ASSERT_TRUE(result) << result.error().message;
  const std::string& headers = result->body;
  EXPECT_NE(headers.find("Accept: application/rss+xml, application/atom+xml"), std::string::npos)
      << headers;
  EXPECT_NE(headers.find(std::string("User-Agent: Communique/") + version() + " (feed fetcher)"),
            std::string::npos)
      << headers;
  EXPECT_NE(headers.find("application/feed+json"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Accept-Encoding: "), std::string::npos) << headers;
  EXPECT_NE(headers.find("gzip"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("Cookie"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("Authorization"), std::string::npos) << headers;
}

TEST_F(FeedFetch, DecodesGzipAndDeflateBodies) {
  for (const auto* path : {"/gzip", "/deflate"}) {
    auto result = fetch(path);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->body, kFeed) << path;
  }
}

TEST_F(FeedFetch, GoneIsTheOutcomeOf410) {
  auto result = fetch("/gone");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, FetchOutcome::gone);
  EXPECT_EQ(result->status, 410);
  EXPECT_TRUE(result->body.empty());
}

TEST_F(FeedFetch, TooManyRequestsWaitsTheSecondsOfRetryAfter) {
  auto result = fetch("/busy");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, FetchOutcome::retry_later);
  EXPECT_EQ(result->status, 429);
  ASSERT_TRUE(result->retry_after);
  EXPECT_EQ(*result->retry_after, fixed_time(120));
}

TEST_F(FeedFetch, UnavailableWaitsUntilTheDateOfRetryAfter) {
  auto result = fetch("/busy-date");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, FetchOutcome::retry_later);
  EXPECT_EQ(result->status, 503);
  ASSERT_TRUE(result->retry_after);
  EXPECT_EQ(format_iso8601(*result->retry_after), "2026-12-03T20:00:00Z");
}

TEST_F(FeedFetch, AnUnreadableRetryAfterWaitsAnHour) {
  auto result = fetch("/busy-unreadable");
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(result->retry_after);
  EXPECT_EQ(*result->retry_after, fixed_time(3600));
}

TEST(RetryAfterTime, ReadsSecondsAndTheThreeHttpDateForms) {
  const Timestamp now = fixed_time();  // 2026-11-29T07:05:47Z
  EXPECT_EQ(retry_after_time("0", now), now);
  EXPECT_EQ(retry_after_time(" 90 ", now), now + std::chrono::seconds(90));
  EXPECT_EQ(format_iso8601(retry_after_time("Sun, 29 Nov 2026 08:00:00 GMT", now)),
            "2026-11-29T08:00:00Z");
  EXPECT_EQ(format_iso8601(retry_after_time("Sunday, 29-Nov-26 08:00:00 GMT", now)),
            "2026-11-29T08:00:00Z");
  EXPECT_EQ(format_iso8601(retry_after_time("Sun Nov 29 08:00:00 2026", now)),
            "2026-11-29T08:00:00Z");
}

TEST(RetryAfterTime, IsNeverBeforeNowNorMoreThanAWeekAhead) {
  const Timestamp now = fixed_time();
  EXPECT_EQ(retry_after_time("Thu, 01 Jan 2015 00:00:00 GMT", now), now);
  EXPECT_EQ(retry_after_time("99999999999999999999", now), now + kLongestRetryAfter);
  EXPECT_EQ(retry_after_time("86400000", now), now + kLongestRetryAfter);
  EXPECT_EQ(retry_after_time("", now), now + kDefaultRetryAfter);
  EXPECT_EQ(retry_after_time("-5", now), now + kDefaultRetryAfter);
  EXPECT_EQ(retry_after_time("tomorrow", now), now + kDefaultRetryAfter);
}

TEST_F(FeedFetch, AnotherStatusIsAnErrorNamingItAndTheAddress) {
  auto missing = fetch("/missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::unavailable);
  EXPECT_EQ(missing.error().message, "HTTP 404 Not Found from " + server_->url("/missing") +
                                         "; check that the address is the feed's, then poll again");
  auto broken = fetch("/broken");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("HTTP 500 Internal Server Error from "), std::string::npos)
      << broken.error().message;
}

TEST_F(FeedFetch, AnEndlessBodyStopsAtTheCap) {
  auto result = fetch("/endless", FetchSettings{.max_body = 1000, .allow_private_networks = true});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::unavailable);
  EXPECT_EQ(result.error().message.rfind(
                "the feed at " + server_->url("/endless") + " is larger than 1000 bytes; ", 0),
            0u)
      << result.error().message;
}

// The body is never held past the cap: the peak memory of the process grows by no more
// than the cap and libcurl's buffers, however long the server goes on.
TEST_F(FeedFetch, AnEndlessBodyHoldsNoMoreThanTheCapInMemory) {
  const FetchSettings settings{.max_body = 4 * 1024 * 1024, .allow_private_networks = true};
  const long before = peak_memory_kib();
  auto result = fetch("/endless", settings);
  const long growth = peak_memory_kib() - before;
  std::cout << "peak memory growth reading an endless body with a 4 MiB cap: " << growth
            << " KiB\n";
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("is larger than 4 MiB"), std::string::npos)
      << result.error().message;
  EXPECT_LT(growth, 3 * 4 * 1024);
}

TEST_F(FeedFetch, TheCapCountsDecompressedBytes) {
  auto result = fetch("/endless-gzip",
                      FetchSettings{.max_body = 1024 * 1024, .allow_private_networks = true});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("is larger than 1 MiB"), std::string::npos)
      << result.error().message;
}

TEST_F(FeedFetch, ALargerContentLengthIsRefusedBeforeTheBody) {
  auto result =
      fetch("/long-length", FetchSettings{.max_body = 1000, .allow_private_networks = true});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("is larger than 1000 bytes"), std::string::npos)
      << result.error().message;
}

TEST_F(FeedFetch, ASmallerContentLengthEndsTheBody) {
  auto result =
      fetch("/short-length", FetchSettings{.max_body = 1000, .allow_private_networks = true});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->body.size(), 500u);
}

TEST_F(FeedFetch, FollowsUpToFiveRedirectsAndReportsTheFinalAddress) {
  auto result = fetch("/hops/4");  // four to hops, one to the feed
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->body, kFeed);
  EXPECT_EQ(result->final_url, server_->url("/feed"));
}

TEST_F(FeedFetch, SixRedirectsAreTooMany) {
  auto result = fetch("/hops/5");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::unavailable);
  EXPECT_NE(result.error().message.find("redirected more than 5 times"), std::string::npos)
      << result.error().message;
}

TEST_F(FeedFetch, ARedirectLoopIsAnError) {
  auto result = fetch("/loop");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "the feed at " + server_->url("/loop") +
                                        " redirected more than 5 times (a redirect loop?); open "
                                        "it in a browser and add the address it ends at instead");
}

TEST_F(FeedFetch, ARedirectToAFileIsRefused) {
  auto result = fetch("/to-file");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::unavailable);
  EXPECT_NE(result.error().message.find("redirected to an address that is not http"),
            std::string::npos)
      << result.error().message;
}

TEST_F(FeedFetch, ASlowServerRunsOutOfTime) {
  auto result = fetch("/slow", FetchSettings{.timeout = std::chrono::milliseconds(500),
                                             .allow_private_networks = true});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::unavailable);
  EXPECT_NE(result.error().message.find("did not arrive within 500 ms"), std::string::npos)
      << result.error().message;
}

TEST_F(FeedFetch, TheLocalServerIsRefusedAsALoopbackAddress) {
  auto result = fetch("/feed", FetchSettings{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::unavailable);
  EXPECT_EQ(result.error().message, "refused to connect to 127.0.0.1 (a loopback address) for " +
                                        server_->url("/feed") +
                                        "; set [feeds] allow_private_networks = true to allow it");
}

TEST_F(FeedFetch, ANameIsJudgedByTheAddressItResolvesTo) {
  const std::string url = "http://localhost:" + std::to_string(server_->port()) + "/feed";
  auto result = fetch_feed(url, {}, FetchSettings{}, fixed_time());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("(a loopback address) for " + url), std::string::npos)
      << result.error().message;
}

TEST_F(FeedFetch, AnAddressWithCredentialsIsRefusedWithoutShowingThem) {
  // A feed stored before such addresses were refused is never fetched with them.
  const std::string port = std::to_string(server_->port());
  auto refused = fetch_feed("http://reader:s3cret@127.0.0.1:" + port + "/feed", {},
                            FeedFetch::local(), fixed_time());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(refused.error().message.find("s3cret"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("user name or password is not supported"),
            std::string::npos)
      << refused.error().message;
}

TEST_F(FeedFetch, ATrustedAddressIsConnectedToButNotWhereItRedirects) {
  const FetchSettings trusted{.trusted_addresses = {"127.0.0.1"}};
  auto direct = fetch("/feed", trusted);
  ASSERT_TRUE(direct) << direct.error().message;
  EXPECT_EQ(direct->body, kFeed);

  // The second hop is checked as the first was.
  auto redirected = fetch("/to-other-loopback", trusted);
  ASSERT_FALSE(redirected);
  EXPECT_EQ(redirected.error().message,
            "refused to connect to 127.0.0.2 (a loopback address) for http://127.0.0.2:" +
                std::to_string(server_->port()) +
                "/feed; set [feeds] allow_private_networks = true to allow it");

  auto metadata = fetch("/to-metadata", trusted);
  ASSERT_FALSE(metadata);
  EXPECT_NE(metadata.error().message.find(
                "refused to connect to 169.254.169.254 (a link-local address (the cloud metadata "
                "service)) for http://169.254.169.254/latest/meta-data/"),
            std::string::npos)
      << metadata.error().message;
}

TEST_F(FeedFetch, AnAddressThatIsNoIpIsNotTrusted) {
  auto result = fetch("/feed", FetchSettings{.trusted_addresses = {"localhost"}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
}

TEST(FetchFeed, RefusesLoopbackAndMetadataAddressesBeforeConnecting) {
  auto ipv6 = fetch_feed("http://[::1]/feed.xml", {}, FetchSettings{}, fixed_time());
  ASSERT_FALSE(ipv6);
  EXPECT_EQ(ipv6.error().message,
            "refused to connect to ::1 (a loopback address) for http://[::1]/feed.xml; set "
            "[feeds] allow_private_networks = true to allow it");
  // Nothing listens there: without the refusal this would wait for the timeout.
  auto metadata = fetch_feed("http://169.254.169.254/latest/meta-data/", {},
                             FetchSettings{.timeout = std::chrono::seconds(60)}, fixed_time());
  ASSERT_FALSE(metadata);
  EXPECT_NE(metadata.error().message.find("refused to connect to 169.254.169.254"),
            std::string::npos)
      << metadata.error().message;
  auto mapped = fetch_feed("http://[::ffff:127.0.0.1]/", {}, FetchSettings{}, fixed_time());
  ASSERT_FALSE(mapped);
  EXPECT_NE(mapped.error().message.find("(a loopback address)"), std::string::npos)
      << mapped.error().message;
  // Other spellings of 127.0.0.1 are the address they resolve to.
  for (const auto* url :
       {"http://2130706433/", "http://0x7f.1/", "http://017700000001/", "http://127.1/"}) {
    auto spelled = fetch_feed(url, {}, FetchSettings{}, fixed_time());
    ASSERT_FALSE(spelled) << url;
    EXPECT_NE(spelled.error().message.find("refused to connect to 127.0.0.1 (a loopback address)"),
              std::string::npos)
        << spelled.error().message;
  }
  auto unspecified = fetch_feed("http://0.0.0.0/", {}, FetchSettings{}, fixed_time());
  ASSERT_FALSE(unspecified);
  EXPECT_NE(unspecified.error().message.find("(the unspecified address)"), std::string::npos)
      << unspecified.error().message;
}

TEST(FetchFeed, OnlyHttpAndHttpsAddressesAreFetched) {
  for (const auto* url : {"file:///etc/passwd", "ftp://example.org/feed.xml",
                          "gopher://example.org/", "dict://example.org/", "javascript:alert(1)"}) {
    auto result = fetch_feed(url, {}, FetchSettings{}, fixed_time());
    ASSERT_FALSE(result) << url;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_input) << url;
  }
  auto file = fetch_feed("file:///etc/passwd", {}, FetchSettings{}, fixed_time());
  EXPECT_EQ(file.error().message,
            "\"file:///etc/passwd\" is a file: URL; Communiqué fetches feeds over http:// and "
            "https:// only");
}

TEST(FetchFeed, AnAddressThatDoesNotParseIsInvalidInput) {
  for (const auto* url : {"", "example.org/feed.xml", "http://", "http://exa mple.org/",
                          "http://example.org/\nHost: evil"}) {
    auto result = fetch_feed(url, {}, FetchSettings{}, fixed_time());
    ASSERT_FALSE(result) << url;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_input) << url;
  }
}

TEST(FetchOutcome, HasStableNames) {
  EXPECT_EQ(to_string(FetchOutcome::fetched), "fetched");
  EXPECT_EQ(to_string(FetchOutcome::not_modified), "not_modified");
  EXPECT_EQ(to_string(FetchOutcome::gone), "gone");
  EXPECT_EQ(to_string(FetchOutcome::retry_later), "retry_later");
}

}  // namespace
}  // namespace communique
