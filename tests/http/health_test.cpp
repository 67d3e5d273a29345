#include "http/health.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/responses.hpp"
#include "http/routes.hpp"
#include "store/open_store.hpp"
#include "test_support.hpp"

namespace communique {
namespace {

TEST(Health, ReportsStatusAndSchemaVersionThroughTheRouteTable) {
  communique::testing::TempDir dir;
  auto store = open_store(StoreSettings{}, dir.path());
  ASSERT_TRUE(store);
  auto links = LinkSigner::create(std::string(64, 'h'));
  Router router(make_routes(RouteServices{.store = **store, .links = *links}));
  HttpRequest request;
  request.method = "GET";
  request.path = "/health";
  auto response = router.handle(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["schema_version"], 16);
}

TEST(Responses, MapsErrorCodesInOnePlaceAndHidesInternalDetail) {
  EXPECT_EQ(http_status_for(ErrorCode::invalid_input), 400);
  EXPECT_EQ(http_status_for(ErrorCode::not_found), 404);
  EXPECT_EQ(http_status_for(ErrorCode::conflict), 409);
  EXPECT_EQ(http_status_for(ErrorCode::unavailable), 503);
  EXPECT_EQ(http_status_for(ErrorCode::storage), 500);
  auto response = error_response(make_error(ErrorCode::storage, "SQL logic error near 'x'"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("SQL"), std::string::npos);
  auto visible = error_response(make_error(ErrorCode::conflict, "a list named 'x' exists"));
  EXPECT_EQ(nlohmann::json::parse(visible.body)["error"]["message"], "a list named 'x' exists");
}

}  // namespace
}  // namespace communique
