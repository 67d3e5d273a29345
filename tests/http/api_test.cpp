#include "http/api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "base/text.hpp"
#include "http/access.hpp"
#include "http/routes.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

using communique::testing::fixed_time;
using nlohmann::json;

// The API through the route table and the access gate, as `serve` wires them.
class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*open_store(StoreSettings{}, dir_.path()));
    accounts_ = std::make_unique<Accounts>(*store_);
    admin_ = *accounts_->add_user("alice", Role::admin, "correct horse battery", fixed_time());
    viewer_ = *accounts_->add_user("victor", Role::viewer, "viewer password 1", fixed_time());
    admin_token_ = accounts_->create_api_token(admin_.id, "ci", fixed_time())->secret;
    viewer_token_ = accounts_->create_api_token(viewer_.id, "ro", fixed_time())->secret;
    router_ = std::make_unique<Router>(
        make_routes(RouteServices{.store = *store_,
                                  .links = links_,
                                  .identity = SenderIdentity{.organisation = "Press Office"},
                                  .data_dir = dir_.path(),
                                  .clock = [] { return fixed_time(60); },
                                  .accounts = accounts_.get()}),
        make_access_gate(*accounts_, [] { return fixed_time(60); }));
  }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = "", std::map<std::string, std::string> headers = {}) {
    HttpRequest request;
    request.method = method;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) {
      request.query = target.substr(question + 1);
    }
    request.body = body;
    request.headers = std::move(headers);
    if (!body.empty() && !request.headers.contains("content-type")) {
      request.headers["content-type"] = "application/json";
    }
    request.remote_address = "192.0.2.1";
    return router_->handle(request);
  }

  HttpResponse as(const std::string& token, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    return call(method, target, body, {{"authorization", "Bearer " + token}});
  }

  // Signs in and returns the cookie header value and the CSRF token.
  std::pair<std::string, std::string> sign_in(const std::string& name,
                                              const std::string& password) {
    auto response =
        call("POST", "/api/v1/session", json{{"name", name}, {"password", password}}.dump());
    EXPECT_EQ(response.status, 200) << response.body;
    std::string cookie;
    for (const auto& [header, value] : response.headers) {
      if (header == "Set-Cookie") {
        cookie = value.substr(0, value.find(';'));
        EXPECT_NE(value.find("HttpOnly"), std::string::npos);
        EXPECT_NE(value.find("SameSite=Strict"), std::string::npos);
      }
    }
    return {cookie, json::parse(response.body)["csrf_token"].get<std::string>()};
  }

  communique::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Accounts> accounts_;
  LinkSigner links_ = *LinkSigner::create(std::string(64, 'a'));
  std::unique_ptr<Router> router_;
  User admin_;
  User viewer_;
  std::string admin_token_;
  std::string viewer_token_;
};

TEST_F(ApiTest, EveryApiRouteIsInTheOpenApiDocument) {
  const auto document = json::parse(api::openapi_text());
  EXPECT_EQ(document["openapi"], "3.1.0");
  std::set<std::string> documented;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      documented.insert(ascii_lower(method) + " " + path);
    }
  }
  int api_routes = 0;
  for (const auto& route : router_->routes()) {
    if (route.pattern.rfind("/api/v1/", 0) != 0) {
      continue;
    }
    ++api_routes;
    EXPECT_TRUE(documented.contains(ascii_lower(route.method) + " " + route.pattern))
        << route.method << " " << route.pattern << " is missing from openapi.json";
  }
  EXPECT_GT(api_routes, 30);
  EXPECT_EQ(static_cast<int>(documented.size()), api_routes) << "openapi.json has extra paths";
}

TEST_F(ApiTest, RolesAreEnforcedAtTheRouteTable) {
  EXPECT_EQ(call("GET", "/api/v1/lists").status, 401);
  EXPECT_EQ(as("not-a-token", "GET", "/api/v1/lists").status, 401);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/lists").status, 200);
  auto refused = as(viewer_token_, "POST", "/api/v1/lists", R"({"name":"press"})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "forbidden");
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/users").status, 403);
  EXPECT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"press"})").status, 201);
  EXPECT_EQ(as(admin_token_, "GET", "/api/v1/users").status, 200);
  // There is always an admin left.
  const auto self = "/api/v1/users/" + std::to_string(admin_.id);
  EXPECT_EQ(as(admin_token_, "PATCH", self, R"({"role":"editor"})").status, 409);
  EXPECT_EQ(as(admin_token_, "DELETE", self).status, 409);
  EXPECT_EQ(store_->find_user(admin_.id)->role, Role::admin);
  EXPECT_EQ(as(admin_token_, "PATCH", "/api/v1/users/" + std::to_string(viewer_.id),
               R"({"role":"editor"})")
                .status,
            200);
}

TEST_F(ApiTest, ACookieWriteWithoutTheCsrfTokenIsRefused) {
  const auto [cookie, csrf] = sign_in("alice", "correct horse battery");
  EXPECT_EQ(call("GET", "/api/v1/lists", "", {{"cookie", cookie}}).status, 200);
  auto refused = call("POST", "/api/v1/lists", R"({"name":"press"})", {{"cookie", cookie}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "csrf");
  EXPECT_EQ(call("POST", "/api/v1/lists", R"({"name":"press"})",
                 {{"cookie", cookie}, {"x-csrf-token", "wrong"}})
                .status,
            403);
  EXPECT_FALSE(store_->find_list("press"));
  EXPECT_EQ(call("POST", "/api/v1/lists", R"({"name":"press"})",
                 {{"cookie", cookie}, {"x-csrf-token", csrf}})
                .status,
            201);
}

TEST_F(ApiTest, SessionsAndTokensDieWhenThePasswordChanges) {
  const auto [cookie, csrf] = sign_in("alice", "correct horse battery");
  const auto [other_cookie, other_csrf] = sign_in("alice", "correct horse battery");
  auto changed =
      call("PUT", "/api/v1/users/" + std::to_string(admin_.id) + "/password",
           R"({"password":"a new long password","current_password":"correct horse battery"})",
           {{"cookie", cookie}, {"x-csrf-token", csrf}});
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json::parse(changed.body)["revoked_tokens"], 1);
  EXPECT_EQ(call("GET", "/api/v1/session", "", {{"cookie", cookie}}).status, 401);
  EXPECT_EQ(call("GET", "/api/v1/session", "", {{"cookie", other_cookie}}).status, 401);
  // A token made by whoever knew the old password does not outlive it.
  EXPECT_EQ(as(admin_token_, "GET", "/api/v1/session").status, 401);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/session").status, 200);
  EXPECT_EQ(
      call("POST", "/api/v1/session", R"({"name":"alice","password":"correct horse battery"})")
          .status,
      401);
  sign_in("alice", "a new long password");
}

TEST_F(ApiTest, APasswordChangeKeepsTokensOnlyWhenAsked) {
  auto kept = as(admin_token_, "PUT", "/api/v1/users/" + std::to_string(viewer_.id) + "/password",
                 R"({"password":"a new viewer password","keep_tokens":true,)"
                 R"("current_password":"correct horse battery"})");
  EXPECT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(json::parse(kept.body)["revoked_tokens"], 0);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/session").status, 200);
  auto bad = as(admin_token_, "PUT", "/api/v1/users/" + std::to_string(viewer_.id) + "/password",
                R"({"password":"a new viewer password","keep_tokens":"yes",)"
                R"("current_password":"correct horse battery"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/session").status, 200);
}

TEST_F(ApiTest, OwnPasswordNeedsTheCurrentOneAndOthersNeedAdmin) {
  auto wrong = as(viewer_token_, "PUT", "/api/v1/users/" + std::to_string(viewer_.id) + "/password",
                  R"({"password":"another password","current_password":"guess"})");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_NE(json::parse(wrong.body)["error"]["message"].get<std::string>().find(
                "current_password: is not your password"),
            std::string::npos)
      << wrong.body;
  auto missing =
      as(viewer_token_, "PUT", "/api/v1/users/" + std::to_string(viewer_.id) + "/password",
         R"({"password":"another password"})");
  EXPECT_EQ(missing.status, 403);
  auto other = as(viewer_token_, "PUT", "/api/v1/users/" + std::to_string(admin_.id) + "/password",
                  R"({"password":"another password"})");
  EXPECT_EQ(other.status, 403);
  // None of the refusals changed a password: the old ones still sign in, the new one does not.
  sign_in("victor", "viewer password 1");
  sign_in("alice", "correct horse battery");
  for (const auto* name : {"victor", "alice"}) {
    EXPECT_EQ(call("POST", "/api/v1/session",
                   json{{"name", name}, {"password", "another password"}}.dump())
                  .status,
              401)
        << name;
  }
}

TEST_F(ApiTest, ASessionAddsAUserOnlyWithThePasswordGivenAgain) {
  const auto [cookie, csrf] = sign_in("alice", "correct horse battery");
  const std::map<std::string, std::string> session{{"cookie", cookie}, {"x-csrf-token", csrf}};
  const std::string mallory = R"("name":"mallory","role":"admin","password":"mallory password 1")";
  auto without = call("POST", "/api/v1/users", "{" + mallory + "}", session);
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_NE(without.body.find("creating a user asks for your password again: send it as "
                              "\\\"current_password\\\""),
            std::string::npos)
      << without.body;
  auto wrong =
      call("POST", "/api/v1/users", "{" + mallory + R"(,"current_password":"guess"})", session);
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  EXPECT_NE(wrong.body.find("current_password: is not your password; creating a user asks"),
            std::string::npos)
      << wrong.body;
  EXPECT_FALSE(store_->find_user("mallory"));
  EXPECT_EQ(call("POST", "/api/v1/session", R"({"name":"mallory","password":"mallory password 1"})")
                .status,
            401);
  auto made = call("POST", "/api/v1/users",
                   "{" + mallory + R"(,"current_password":"correct horse battery"})", session);
  EXPECT_EQ(made.status, 201) << made.body;
  sign_in("mallory", "mallory password 1");
}

TEST_F(ApiTest, ASessionSetsAnotherUsersPasswordOnlyWithThePasswordGivenAgain) {
  const auto [cookie, csrf] = sign_in("alice", "correct horse battery");
  const std::map<std::string, std::string> session{{"cookie", cookie}, {"x-csrf-token", csrf}};
  const auto target = "/api/v1/users/" + std::to_string(viewer_.id) + "/password";
  auto without = call("PUT", target, R"({"password":"taken over password"})", session);
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_NE(without.body.find("setting another user's password asks for your password again"),
            std::string::npos)
      << without.body;
  auto wrong = call("PUT", target,
                    R"({"password":"taken over password","current_password":"guess"})", session);
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  EXPECT_NE(wrong.body.find("current_password: is not your password"), std::string::npos)
      << wrong.body;
  // Nothing changed: the old password and the user's token still work.
  sign_in("victor", "viewer password 1");
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/session").status, 200);
  auto set = call("PUT", target,
                  R"({"password":"a new viewer password",)"
                  R"("current_password":"correct horse battery"})",
                  session);
  EXPECT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(
      call("POST", "/api/v1/session", R"({"name":"victor","password":"viewer password 1"})").status,
      401);
  sign_in("victor", "a new viewer password");
}

TEST_F(ApiTest, ASessionMakesATokenOnlyWithThePasswordGivenAgain) {
  const auto [cookie, csrf] = sign_in("victor", "viewer password 1");
  const std::map<std::string, std::string> session{{"cookie", cookie}, {"x-csrf-token", csrf}};
  auto without = call("POST", "/api/v1/tokens", R"({"name":"stolen"})", session);
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_NE(without.body.find("asks for your password again"), std::string::npos) << without.body;
  auto wrong = call("POST", "/api/v1/tokens", R"({"name":"stolen","password":"guess"})", session);
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  EXPECT_NE(wrong.body.find("password: is not your password"), std::string::npos) << wrong.body;
  EXPECT_EQ(json::parse(as(viewer_token_, "GET", "/api/v1/tokens").body)["tokens"].size(), 1u);
  // Guessing is limited like signing in.
  for (int i = 0; i < 4; ++i) {
    call("POST", "/api/v1/tokens", R"({"name":"stolen","password":"guess"})", session);
  }
  auto limited =
      call("POST", "/api/v1/tokens", R"({"name":"cron","password":"viewer password 1"})", session);
  EXPECT_EQ(limited.status, 429) << limited.body;
}

TEST_F(ApiTest, ATokenIsMadeWithTheRightPassword) {
  const auto [cookie, csrf] = sign_in("victor", "viewer password 1");
  auto made = call("POST", "/api/v1/tokens", R"({"name":"cron","password":"viewer password 1"})",
                   {{"cookie", cookie}, {"x-csrf-token", csrf}});
  EXPECT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(
      as(json::parse(made.body)["secret"].get<std::string>(), "GET", "/api/v1/session").status,
      200);
}

TEST_F(ApiTest, SignInIsRateLimitedPerAccountAndSaysNothingAboutNames) {
  auto unknown = call("POST", "/api/v1/session", R"({"name":"nobody","password":"whatever12"})");
  auto wrong = call("POST", "/api/v1/session", R"({"name":"victor","password":"whatever12"})");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
  for (int i = 0; i < 4; ++i) {
    call("POST", "/api/v1/session", R"({"name":"victor","password":"whatever12"})");
  }
  auto limited =
      call("POST", "/api/v1/session", R"({"name":"victor","password":"viewer password 1"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json::parse(limited.body)["error"]["code"], "rate_limited");
}

TEST_F(ApiTest, SubscribersAreCreatedFilteredAndPagedByKeyset) {
  ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"press"})").status, 201);
  for (int i = 0; i < 5; ++i) {
    auto made = as(admin_token_, "POST", "/api/v1/subscribers",
                   json{{"email", "p" + std::to_string(i) + "@example.org"},
                        {"lists", {1}},
                        {"attributes", {{"city", i % 2 == 0 ? "Rome" : "Oslo"}}}}
                       .dump());
    ASSERT_EQ(made.status, 201) << made.body;
  }
  auto page = json::parse(as(admin_token_, "GET", "/api/v1/subscribers?limit=2").body);
  ASSERT_EQ(page["subscribers"].size(), 2u);
  auto next = json::parse(
      as(admin_token_, "GET",
         "/api/v1/subscribers?limit=2&after=" + std::to_string(page["next_after"].get<int>()))
          .body);
  EXPECT_EQ(next["subscribers"][0]["email"], "p2@example.org");
  auto rome = json::parse(as(admin_token_, "GET", "/api/v1/subscribers?attribute=city:Rome").body);
  EXPECT_EQ(rome["subscribers"].size(), 3u);
  auto confirmed =
      json::parse(as(admin_token_, "GET", "/api/v1/subscribers?list=1&status=confirmed").body);
  EXPECT_EQ(confirmed["subscribers"].size(), 5u);
  auto duplicate = as(admin_token_, "POST", "/api/v1/subscribers", R"({"email":"P0@example.org"})");
  EXPECT_EQ(duplicate.status, 409);
  auto invalid = as(admin_token_, "POST", "/api/v1/subscribers", R"({"email":"not an address"})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_NE(json::parse(invalid.body)["error"]["message"].get<std::string>().find("email:"),
            std::string::npos);
}

TEST_F(ApiTest, FilterValuesWithSqlInThemAreOnlyData) {
  ASSERT_EQ(
      as(admin_token_, "POST", "/api/v1/subscribers", R"({"email":"ann@example.org"})").status,
      201);
  for (const char* query :
       {"email=%27%20OR%201%3D1%20--", "email=%25", "attribute=x%27)%20OR%201%3D1%20--:1",
        "attribute=city:%27%20OR%20%271%27%3D%271"}) {
    auto response = as(admin_token_, "GET", std::string("/api/v1/subscribers?") + query);
    EXPECT_EQ(response.status, 200) << query;
    EXPECT_EQ(json::parse(response.body)["subscribers"].size(), 0u) << query;
  }
  auto quoted = as(admin_token_, "GET", "/api/v1/subscribers?attribute=a%22b:1");
  EXPECT_EQ(quoted.status, 400);
  EXPECT_TRUE(store_->find_subscriber(*EmailAddress::parse("ann@example.org")));
}

TEST_F(ApiTest, MalformedBodiesGetPreciseErrors) {
  EXPECT_EQ(as(admin_token_, "POST", "/api/v1/lists", "{not json").status, 400);
  EXPECT_EQ(as(admin_token_, "POST", "/api/v1/lists", "[1,2]").status, 400);
  auto wrong_type = as(admin_token_, "POST", "/api/v1/lists", R"({"name":5})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(wrong_type.body.find("name: must be a string"), std::string::npos);
  EXPECT_EQ(as(admin_token_, "GET", "/api/v1/lists/abc").status, 404);
  EXPECT_EQ(as(admin_token_, "GET", "/api/v1/subscribers?limit=-3").status, 400);
}

TEST_F(ApiTest, IssuesAreDraftedEditedAndMovedThroughTheirStates) {
  ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"press"})").status, 201);
  auto created = as(admin_token_, "POST", "/api/v1/issues",
                    R"({"subject":"Weekly","lists":[1],"body":"Hello **all**"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto broken =
      as(admin_token_, "POST", "/api/v1/issues", R"({"subject":"","lists":[1],"body":"x"})");
  EXPECT_EQ(broken.status, 400);
  EXPECT_NE(broken.body.find("subject:"), std::string::npos);
  auto edited = as(
      admin_token_, "PUT", "/api/v1/issues/1",
      R"({"subject":"Weekly news","lists":[1],"sections":[{"title":"A","body":"a"},{"title":"B","body":"b"}]})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(json::parse(edited.body)["sections"].size(), 2u);
  EXPECT_EQ(as(admin_token_, "POST", "/api/v1/issues/1/pause").status, 409);
  // The command line's rules: no time gone by, no expiry that could never be met.
  auto past =
      as(admin_token_, "POST", "/api/v1/issues/1/schedule", R"({"at":"2001-01-01T00:00Z"})");
  EXPECT_EQ(past.status, 400);
  EXPECT_NE(past.body.find("at: 2001-01-01T00:00:00Z is in the past (it is 2026-11-29T"),
            std::string::npos)
      << past.body;
  EXPECT_NE(past.body.find(R"(UTC); send \"now\" to send at once)"), std::string::npos)
      << past.body;
  auto hasty =
      as(admin_token_, "POST", "/api/v1/issues/1/schedule", R"({"at":"now","expire_after":"1s"})");
  EXPECT_EQ(hasty.status, 400);
  EXPECT_NE(hasty.body.find("expire_after: an expiry shorter than a minute"), std::string::npos)
      << hasty.body;
  EXPECT_EQ(json::parse(as(admin_token_, "GET", "/api/v1/issues/1").body)["status"], "draft");
  auto scheduled = as(admin_token_, "POST", "/api/v1/issues/1/schedule",
                      R"({"at":"2026-12-01T09:00Z","expire_after":"6h"})");
  ASSERT_EQ(scheduled.status, 200) << scheduled.body;
  EXPECT_EQ(json::parse(scheduled.body)["status"], "scheduled");
  EXPECT_EQ(as(admin_token_, "PUT", "/api/v1/issues/1",
               R"({"subject":"Too late","lists":[1],"body":"x"})")
                .status,
            409);
  EXPECT_EQ(json::parse(as(admin_token_, "POST", "/api/v1/issues/1/pause").body)["status"],
            "paused");
  EXPECT_EQ(json::parse(as(admin_token_, "POST", "/api/v1/issues/1/cancel").body)["status"],
            "cancelled");
  auto status = json::parse(as(admin_token_, "GET", "/api/v1/issues/1/status").body);
  EXPECT_EQ(status["status"], "cancelled");
  EXPECT_EQ(status["deliveries"]["total"], 0);
}

TEST_F(ApiTest, AnIssueGoesToTopicsNamedByIdOrNameAndAnAmbiguousNameIsRefused) {
  ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"press"})").status, 201);
  ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"digest"})").status, 201);
  for (const auto& [list, name] : {std::pair{1, "sport"}, {1, "arts"}, {2, "sport"}}) {
    ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists/" + std::to_string(list) + "/topics",
                 json{{"name", name}}.dump())
                  .status,
              201);
  }
  auto by_name = as(admin_token_, "POST", "/api/v1/issues",
                    R"({"subject":"S","lists":[1],"body":"x","topics":["Sport"]})");
  ASSERT_EQ(by_name.status, 201) << by_name.body;
  EXPECT_EQ(json::parse(by_name.body)["topics"], json::array({1}));

  auto ambiguous = as(admin_token_, "POST", "/api/v1/issues",
                      R"({"subject":"S","lists":[1,2],"body":"x","topics":["sport"]})");
  EXPECT_EQ(ambiguous.status, 400);
  EXPECT_NE(ambiguous.body.find("topics: topic 'sport' is on several lists and so is ambiguous; "
                                "name one as press/sport or digest/sport"),
            std::string::npos)
      << ambiguous.body;
  auto qualified = as(admin_token_, "POST", "/api/v1/issues",
                      R"({"subject":"S","lists":[1,2],"body":"x","topics":["digest/sport",2]})");
  ASSERT_EQ(qualified.status, 201) << qualified.body;
  EXPECT_EQ(json::parse(qualified.body)["topics"], json::array({3, 2}));  // as named

  auto elsewhere = as(admin_token_, "POST", "/api/v1/issues",
                      R"({"subject":"S","lists":[1],"body":"x","topics":[3]})");
  EXPECT_EQ(elsewhere.status, 400);
  EXPECT_NE(elsewhere.body.find("topic 3 is not a topic of the list; topics there are press: "
                                "arts, sport"),
            std::string::npos)
      << elsewhere.body;
  auto unknown = as(admin_token_, "POST", "/api/v1/issues",
                    R"({"subject":"S","lists":[1],"body":"x","topics":["weather"]})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("no topic 'weather' on list press"), std::string::npos)
      << unknown.body;
  EXPECT_EQ(as(admin_token_, "POST", "/api/v1/issues",
               R"({"subject":"S","lists":[1],"body":"x","topics":"sport"})")
                .status,
            400);

  auto edited =
      as(admin_token_, "PUT", "/api/v1/issues/1", R"({"subject":"S","lists":[1],"body":"x"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(json::parse(edited.body)["topics"], json::array());
}

TEST_F(ApiTest, ASubscribersCadenceIsShownPerListAndSetOnlyOnTheirLists) {
  ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"press"})").status, 201);
  ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"other"})").status, 201);
  auto ann = as(admin_token_, "POST", "/api/v1/subscribers",
                R"({"email":"ann@example.org","lists":[1],"cadence":"daily"})");
  ASSERT_EQ(ann.status, 201) << ann.body;
  EXPECT_EQ(json::parse(ann.body)["subscriptions"][0]["cadence"], "daily");
  EXPECT_EQ(json::parse(ann.body)["subscriptions"][0]["cadence_chosen"], true);
  auto bob =
      as(admin_token_, "POST", "/api/v1/subscribers", R"({"email":"bob@example.org","lists":[1]})");
  ASSERT_EQ(bob.status, 201) << bob.body;
  EXPECT_EQ(json::parse(bob.body)["subscriptions"][0]["cadence"], "weekly");  // the default
  EXPECT_EQ(json::parse(bob.body)["subscriptions"][0]["cadence_chosen"], false);

  auto changed =
      as(admin_token_, "PATCH", "/api/v1/subscribers/1", R"({"cadences":{"1":"immediate"}})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json::parse(changed.body)["subscriptions"][0]["cadence"], "immediate");
  auto reset = as(admin_token_, "PATCH", "/api/v1/subscribers/1", R"({"cadences":{"1":null}})");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(json::parse(reset.body)["subscriptions"][0]["cadence"], "weekly");
  EXPECT_EQ(json::parse(reset.body)["subscriptions"][0]["cadence_chosen"], false);

  auto not_on = as(admin_token_, "PATCH", "/api/v1/subscribers/1",
                   R"({"name":"Ann","cadences":{"2":"daily"}})");
  EXPECT_EQ(not_on.status, 404);
  EXPECT_NE(not_on.body.find("is not on list 2; add them to it first"), std::string::npos)
      << not_on.body;
  EXPECT_EQ(store_->find_subscriber(1)->name, "");  // the whole change or nothing
  EXPECT_EQ(store_->subscriptions_of(1)->size(), 1u);
  auto invalid =
      as(admin_token_, "PATCH", "/api/v1/subscribers/1", R"({"cadences":{"1":"hourly"}})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_NE(invalid.body.find("cadences.1: must be immediate, daily, weekly or monthly"),
            std::string::npos)
      << invalid.body;
  EXPECT_EQ(as(admin_token_, "POST", "/api/v1/subscribers",
               R"({"email":"cid@example.org","lists":[1],"cadence":"sometimes"})")
                .status,
            400);
}

TEST_F(ApiTest, HtmlSectionsAreStoredSanitisedMarkdownAsWritten) {
  ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"press"})").status, 201);
  const json hostile = {{"subject", "Feed item"},
                        {"lists", {1}},
                        {"format", "html"},
                        {"body",
                         "<p onclick=\"x()\">Hi <a href=\"jav&#x09;ascript:x()\">there</a></p>"
                         "<script>x()</script>"}};
  auto created = as(admin_token_, "POST", "/api/v1/issues", hostile.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = json::parse(created.body)["id"].get<IssueId>();
  EXPECT_EQ(store_->find_issue(id)->sections[0].body, "<p>Hi <a>there</a></p>");
  const json edited = {
      {"subject", "Feed item"},
      {"lists", {1}},
      {"sections",
       {{{"title", "A"}, {"format", "html"}, {"body", "<img src=x onerror=x()>kept"}},
        {{"title", "B"}, {"format", "markdown"}, {"body", "<b>shown as text</b>"}}}}};
  auto updated = as(admin_token_, "PUT", "/api/v1/issues/" + std::to_string(id), edited.dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  const auto stored = store_->find_issue(id)->sections;
  EXPECT_EQ(stored[0].body, "kept");
  EXPECT_EQ(stored[1].body, "<b>shown as text</b>");
  EXPECT_EQ(json::parse(updated.body)["sections"][0]["body"], "kept");
}

TEST_F(ApiTest, TokensAreListedWithoutSecretsAndRevoked) {
  auto made = json::parse(as(viewer_token_, "POST", "/api/v1/tokens",
                             R"({"name":"cron","password":"viewer password 1"})")
                              .body);
  const std::string secret = made["secret"];
  EXPECT_EQ(as(secret, "GET", "/api/v1/session").status, 200);
  auto listed = as(viewer_token_, "GET", "/api/v1/tokens");
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_EQ(json::parse(listed.body)["tokens"].size(), 2u);
  EXPECT_EQ(
      as(viewer_token_, "DELETE", "/api/v1/tokens/" + std::to_string(made["id"].get<int>())).status,
      204);
  EXPECT_EQ(as(secret, "GET", "/api/v1/session").status, 401);
}

}  // namespace
}  // namespace communique

namespace communique {
namespace {

TEST_F(ApiTest, TemplatesAreCheckedBeforeTheyAreWrittenAndPreviewedInASandbox) {
  auto listed = json::parse(as(viewer_token_, "GET", "/api/v1/templates").body);
  EXPECT_EQ(listed["templates"], json::array({"default"}));
  auto broken = as(admin_token_, "PUT", "/api/v1/templates/press",
                   R"({"html":"<p>{{#subscriber}}unclosed</p>","text":"ok"})");
  EXPECT_EQ(broken.status, 400);
  EXPECT_NE(broken.body.find("line 1"), std::string::npos) << broken.body;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "templates" / "press.html"));
  EXPECT_EQ(
      as(admin_token_, "PUT", "/api/v1/templates/default", R"({"html":"x","text":"x"})").status,
      400);
  auto saved = as(
      admin_token_, "PUT", "/api/v1/templates/press",
      R"({"html":"<h1>{{issue.subject}}</h1>{{#sections}}{{{html}}}{{/sections}}<script>x()</script>","text":"{{issue.subject}}"})");
  ASSERT_EQ(saved.status, 200) << saved.body;
  listed = json::parse(as(viewer_token_, "GET", "/api/v1/templates").body);
  EXPECT_EQ(listed["templates"], json::array({"default", "press"}));
  EXPECT_EQ(json::parse(as(viewer_token_, "GET", "/api/v1/templates/press").body)["text"],
            "{{issue.subject}}");
  // Without a composer the preview says so; the sandbox is checked where serve wires one.
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/templates/press/preview").status, 503);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/templates/nothing").status, 404);
}

TEST_F(ApiTest, ImportsNeedAJobRunnerAndSettingsNeedAdmin) {
  EXPECT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"press"})").status, 201);
  EXPECT_EQ(call("POST", "/api/v1/lists/1/imports", "email\na@example.org\n",
                 {{"authorization", "Bearer " + admin_token_}, {"content-type", "text/csv"}})
                .status,
            503);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/settings").status, 403);
  EXPECT_EQ(as(admin_token_, "GET", "/api/v1/settings").status, 200);
}

// Posts and sections: /api/v1/posts and /api/v1/lists/{id}/sections.
class PostApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"press"})").status, 201);
    ASSERT_EQ(as(admin_token_, "POST", "/api/v1/lists", R"({"name":"other"})").status, 201);
    news_ = section(1, "News");
    statements_ = section(1, "Statements");
    economy_ = topic(1, "Economy");
    theirs_ = topic(2, "Theirs");
  }

  std::int64_t section(int list, const std::string& name) {
    auto made = as(admin_token_, "POST", "/api/v1/lists/" + std::to_string(list) + "/sections",
                   json{{"name", name}}.dump());
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body).value("id", 0);
  }

  std::int64_t topic(int list, const std::string& name) {
    auto made = as(admin_token_, "POST", "/api/v1/lists/" + std::to_string(list) + "/topics",
                   json{{"name", name}}.dump());
    EXPECT_EQ(made.status, 201) << made.body;
    return json::parse(made.body).value("id", 0);
  }

  HttpResponse add_post(json fields) {
    json body{{"list", 1}, {"section", news_}, {"title", "Talks"}, {"body", "We **met**."}};
    body.update(fields);
    return as(admin_token_, "POST", "/api/v1/posts", body.dump());
  }

  std::int64_t news_ = 0;
  std::int64_t statements_ = 0;
  std::int64_t economy_ = 0;
  std::int64_t theirs_ = 0;
};

TEST_F(PostApiTest, APostIsAddedReadChangedPublishedAndRemoved) {
  auto created = add_post({{"topics", {economy_}}, {"language", "EN"}, {"status", "draft"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto post = json::parse(created.body);
  const auto id = post["id"].get<std::int64_t>();
  EXPECT_EQ(post["list"], 1);
  EXPECT_EQ(post["section"], (json{{"id", news_}, {"name", "News"}}));
  EXPECT_EQ(post["slug"], "talks");
  EXPECT_EQ(post["language"], "en");
  EXPECT_EQ(post["status"], "draft");
  EXPECT_TRUE(post["published_at"].is_null());
  EXPECT_EQ(post["topics"], (json::array({{{"id", economy_}, {"name", "Economy"}}})));
  EXPECT_TRUE(post["translation_of"].is_null());
  EXPECT_EQ(post["source"], "local");
  EXPECT_EQ(post["external_id"], "");
  EXPECT_TRUE(post["url"].get<std::string>().ends_with("/posts/talks")) << post["url"];

  const std::string path = "/api/v1/posts/" + std::to_string(id);
  auto changed = as(
      admin_token_, "PATCH", path,
      json{{"title", "Trade talks"}, {"section", statements_}, {"topics", json::array()}}.dump());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json::parse(changed.body)["title"], "Trade talks");
  EXPECT_EQ(json::parse(changed.body)["section"]["name"], "Statements");
  EXPECT_EQ(json::parse(changed.body)["topics"], json::array());
  EXPECT_EQ(json::parse(changed.body)["body"], "We **met**.");

  auto published = as(admin_token_, "POST", path + "/publish");
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(json::parse(published.body)["status"], "published");
  EXPECT_EQ(json::parse(published.body)["published_at"], format_iso8601(fixed_time(60)));
  EXPECT_EQ(as(admin_token_, "POST", path + "/publish").status, 409);

  auto drafts = json::parse(as(viewer_token_, "GET", "/api/v1/posts?list=1&status=draft").body);
  EXPECT_TRUE(drafts["posts"].empty());
  auto listed = json::parse(as(viewer_token_, "GET", "/api/v1/posts?status=published").body);
  ASSERT_EQ(listed["posts"].size(), 1u);
  EXPECT_EQ(listed["posts"][0]["id"], id);
  EXPECT_EQ(as(viewer_token_, "GET", path).status, 200);

  EXPECT_EQ(as(admin_token_, "DELETE", path).status, 204);
  EXPECT_EQ(as(admin_token_, "GET", path).status, 404);
  EXPECT_EQ(as(admin_token_, "DELETE", path).status, 404);
}

TEST_F(PostApiTest, PostsArePagedNewestFirstByKeyset) {
  for (const char* title : {"One", "Two", "Three"}) {
    ASSERT_EQ(add_post({{"title", title}}).status, 201);
  }
  auto first = json::parse(as(viewer_token_, "GET", "/api/v1/posts?limit=2").body);
  ASSERT_EQ(first["posts"].size(), 2u);
  EXPECT_EQ(first["posts"][0]["title"], "Three");
  const auto next = first["next_before"].get<std::int64_t>();
  auto second = json::parse(
      as(viewer_token_, "GET", "/api/v1/posts?limit=2&before=" + std::to_string(next)).body);
  ASSERT_EQ(second["posts"].size(), 1u);
  EXPECT_EQ(second["posts"][0]["title"], "One");
  EXPECT_TRUE(second["next_before"].is_null());
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/posts?status=gone").status, 400);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/posts?since=yesterday").status, 400);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/posts?list=99").status, 404);
}

TEST_F(PostApiTest, HostilePostsAreRefusedWithTheFieldNamed) {
  auto line_break = add_post({{"title", "Talks\r\nBcc: victim@example.org"}});
  EXPECT_EQ(line_break.status, 400);
  EXPECT_NE(line_break.body.find("title:"), std::string::npos) << line_break.body;
  auto nul = add_post({{"body", std::string("before\0after", 12)}});
  EXPECT_EQ(nul.status, 400);
  EXPECT_NE(nul.body.find("body:"), std::string::npos) << nul.body;
  auto huge = add_post({{"body", std::string(1024 * 1024 + 1, 'a')}});
  EXPECT_EQ(huge.status, 400);
  EXPECT_NE(huge.body.find("1 MiB"), std::string::npos);
  auto their_topic = add_post({{"topics", {theirs_}}});
  EXPECT_EQ(their_topic.status, 404);
  EXPECT_NE(their_topic.body.find("not a topic of the post's list"), std::string::npos);
  auto their_section = add_post({{"section", section(2, "Their news")}});
  EXPECT_EQ(their_section.status, 404);
  auto no_section = add_post({{"section", nullptr}});
  EXPECT_EQ(no_section.status, 400);
  EXPECT_NE(no_section.body.find("section: required"), std::string::npos);
  auto language = add_post({{"language", "not a language"}});
  EXPECT_EQ(language.status, 400);
  EXPECT_NE(language.body.find("language:"), std::string::npos);
  EXPECT_TRUE(json::parse(as(admin_token_, "GET", "/api/v1/posts").body)["posts"].empty());

  // Script in a title is text: stored as written, answered as a JSON string.
  const std::string script = "<script>alert(\"x\")</script> & more";
  auto stored = add_post({{"title", script}});
  ASSERT_EQ(stored.status, 201) << stored.body;
  EXPECT_EQ(stored.content_type.rfind("application/json", 0), 0u);
  EXPECT_EQ(stored.body.find("alert(\"x\")"), std::string::npos);  // quotes are escaped
  EXPECT_EQ(json::parse(stored.body)["title"], script);
}

TEST_F(PostApiTest, ViewersReadAndSessionsWriteOnlyWithTheirCsrfToken) {
  const json body{{"list", 1}, {"section", news_}, {"title", "Talks"}};
  auto refused = as(viewer_token_, "POST", "/api/v1/posts", body.dump());
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(as(viewer_token_, "POST", "/api/v1/lists/1/sections", R"({"name":"X"})").status, 403);
  EXPECT_EQ(as(viewer_token_, "GET", "/api/v1/lists/1/sections").status, 200);
  const auto [cookie, csrf] = sign_in("alice", "correct horse battery");
  auto no_csrf = call("POST", "/api/v1/posts", body.dump(), {{"cookie", cookie}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(json::parse(no_csrf.body)["error"]["code"], "csrf");
  auto with_csrf =
      call("POST", "/api/v1/posts", body.dump(), {{"cookie", cookie}, {"x-csrf-token", csrf}});
  EXPECT_EQ(with_csrf.status, 201) << with_csrf.body;
}

TEST_F(PostApiTest, SectionsAreRenamedMovedAndRemovedWhenEmpty) {
  const auto travel = section(1, "Travel");
  auto moved = as(admin_token_, "PATCH", "/api/v1/lists/1/sections/" + std::to_string(travel),
                  R"({"position":0,"name":"Journeys"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(json::parse(moved.body)["name"], "Journeys");
  EXPECT_EQ(json::parse(moved.body)["position"], 0);
  auto all = json::parse(as(viewer_token_, "GET", "/api/v1/lists/1/sections").body)["sections"];
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["name"], "Journeys");
  EXPECT_EQ(all[1]["name"], "News");
  EXPECT_EQ(all[2]["position"], 2);
  auto taken = as(admin_token_, "PATCH", "/api/v1/lists/1/sections/" + std::to_string(travel),
                  R"({"name":"news"})");
  EXPECT_EQ(taken.status, 409);
  // A section is reached through its own list only.
  EXPECT_EQ(as(admin_token_, "PATCH", "/api/v1/lists/2/sections/" + std::to_string(travel),
               R"({"name":"X"})")
                .status,
            404);
  ASSERT_EQ(add_post(json::object()).status, 201);
  auto in_use = as(admin_token_, "DELETE", "/api/v1/lists/1/sections/" + std::to_string(news_));
  EXPECT_EQ(in_use.status, 409);
  EXPECT_NE(in_use.body.find("move them to another section or remove them first"),
            std::string::npos);
  EXPECT_EQ(json::parse(
                as(viewer_token_, "GET", "/api/v1/lists/1/sections").body)["sections"][1]["posts"],
            1);
  EXPECT_EQ(as(admin_token_, "DELETE", "/api/v1/lists/1/sections/" + std::to_string(travel)).status,
            204);
}

TEST_F(PostApiTest, ADigestIssueIsMadeOfPublishedPostsNotInlineSections) {
  const auto published = json::parse(add_post(json::object()).body)["id"].get<std::int64_t>();
  const auto draft = json::parse(add_post({{"status", "draft"}}).body)["id"].get<std::int64_t>();
  auto inline_form = as(
      admin_token_, "POST", "/api/v1/issues",
      R"({"subject":"Weekly","lists":[1],"kind":"digest","sections":[{"title":"News","body":"a"}]})");
  EXPECT_EQ(inline_form.status, 400);
  EXPECT_NE(inline_form.body.find("publish each item (POST /api/v1/posts)"), std::string::npos)
      << inline_form.body;
  auto with_draft = as(
      admin_token_, "POST", "/api/v1/issues",
      json{{"subject", "Weekly"}, {"lists", {1}}, {"kind", "digest"}, {"posts", {published, draft}}}
          .dump());
  EXPECT_EQ(with_draft.status, 400);
  EXPECT_NE(with_draft.body.find("is a draft"), std::string::npos);
  auto other_list =
      as(admin_token_, "POST", "/api/v1/issues",
         json{{"subject", "Weekly"}, {"lists", {2}}, {"kind", "digest"}, {"posts", {published}}}
             .dump());
  EXPECT_EQ(other_list.status, 400);
  auto created = as(admin_token_, "POST", "/api/v1/issues",
                    json{{"subject", "Weekly"},
                         {"lists", {1}},
                         {"kind", "digest"},
                         {"posts", {published}},
                         {"cadence", "daily"}}
                        .dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto issue = json::parse(created.body);
  EXPECT_EQ(issue["kind"], "digest");
  EXPECT_EQ(issue["posts"], json::array({published}));
  EXPECT_EQ(issue["topics"], json::array());
  EXPECT_EQ(issue["cadence"], "daily");
  // The post it carries stays: its letters and archive page name it.
  EXPECT_EQ(as(admin_token_, "DELETE", "/api/v1/posts/" + std::to_string(published)).status, 409);
}

TEST_F(PostApiTest, AListsFallbackLanguageAndDefaultCadenceAreChanged) {
  auto changed = as(admin_token_, "PATCH", "/api/v1/lists/1",
                    R"({"fallback_language":"RU","default_cadence":"daily"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json::parse(changed.body)["fallback_language"], "ru");
  EXPECT_EQ(json::parse(changed.body)["default_cadence"], "daily");
  auto wrong = as(admin_token_, "PATCH", "/api/v1/lists/1", R"({"default_cadence":"hourly"})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("default_cadence:"), std::string::npos);
  EXPECT_EQ(json::parse(as(viewer_token_, "GET", "/api/v1/lists/1").body)["default_cadence"],
            "daily");
}

}  // namespace
}  // namespace communique
