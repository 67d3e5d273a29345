#include "http/router.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace communique {
namespace {

HttpResponse text(std::string body) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

Router make_router() {
  return Router({
      {"GET", "/health", Access::public_route, [](const HttpRequest&) { return text("up"); }},
      {"GET", "/lists/{id}", Access::public_route,
       [](const HttpRequest& r) { return text("list " + r.params.at("id")); }},
      {"DELETE", "/lists/{id}", Access::public_route,
       [](const HttpRequest&) { return text("deleted"); }},
      {"GET", "/boom", Access::public_route,
       [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("secret detail"); }},
  });
}

HttpRequest request(std::string method, std::string path) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

TEST(Router, MatchesLiteralAndCapturedSegments) {
  auto router = make_router();
  std::string route;
  auto response = router.handle(request("GET", "/lists/42"), &route);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "list 42");
  EXPECT_EQ(route, "/lists/{id}");
  EXPECT_EQ(router.handle(request("GET", "/health")).body, "up");
  EXPECT_EQ(router.handle(request("HEAD", "/health")).status, 200);
}

TEST(Router, UnknownPathIs404WithTheErrorShape) {
  auto response = make_router().handle(request("GET", "/lists/42/extra"));
  EXPECT_EQ(response.status, 404);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "not_found");
}

TEST(Router, WrongMethodIs405WithAllow) {
  auto response = make_router().handle(request("POST", "/lists/7"));
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "GET, DELETE");
}

TEST(Router, AThrowingHandlerIs500WithoutItsDetail) {
  auto response = make_router().handle(request("GET", "/boom"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("secret"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(response.body)["error"]["code"], "internal");
}

TEST(Router, ABatchedRouteIsABatchOfOneOffTheServerAndHandedOverByIt) {
  std::vector<std::size_t> sizes;
  Router router({{"POST",
                  "/leave/{token}",
                  Access::public_route,
                  {},
                  {},
                  [&sizes](std::span<const HttpRequest> batch) {
                    sizes.push_back(batch.size());
                    std::vector<HttpResponse> answers;
                    for (const auto& r : batch) {
                      answers.push_back(text("left " + r.params.at("token")));
                    }
                    return answers;
                  }}});
  std::string route;
  auto response = router.handle(request("POST", "/leave/abc"), &route);
  EXPECT_EQ(response.body, "left abc");
  EXPECT_EQ(route, "/leave/{token}");
  EXPECT_EQ(sizes, std::vector<std::size_t>{1});

  // The server asks first: nothing is answered on the I/O thread, the batch is named.
  auto posted = request("POST", "/leave/xyz");
  const BatchHandler* batch = nullptr;
  EXPECT_FALSE(router.try_quick(posted, &route, &batch));
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(posted.params.at("token"), "xyz");
  EXPECT_EQ(sizes.size(), 1U);
}

}  // namespace
}  // namespace communique

#include "http/server.hpp"

namespace communique {
namespace {

TEST(ClientAddress, OnlyTheTrustedProxyMayNameTheClient) {
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.7", "127.0.0.1"), "203.0.113.7");
  // The proxy appends the address it saw: earlier entries are the client's own words.
  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.1, 203.0.113.7", "127.0.0.1"), "203.0.113.7");
  EXPECT_EQ(client_address("198.51.100.2", "203.0.113.7", "127.0.0.1"), "198.51.100.2");
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.7", ""), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "", "127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4, ", "127.0.0.1"), "127.0.0.1");
}

}  // namespace
}  // namespace communique
