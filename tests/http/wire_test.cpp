#include "http/wire.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace communique {
namespace {

namespace bhttp = boost::beast::http;

// Parses `wire` as an HTTP peer would; fails the test when it is not one whole answer.
bhttp::response<bhttp::string_body> parse(const std::string& wire, bool head = false) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(head);
  parser.eager(true);
  boost::beast::error_code ec;
  const auto used = parser.put(boost::asio::buffer(wire), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(used, wire.size()) << "bytes after the answer";
  return parser.release();
}

HttpResponse page() {
  HttpResponse response;
  response.status = 404;
  response.content_type = "text/html; charset=utf-8";
  response.body = "<p>not here</p>";
  response.headers = {{"Referrer-Policy", "no-referrer"}};
  return response;
}

TEST(Wire, WritesStatusHeadersAndBodyAsOneAnswer) {
  const auto answer = parse(to_wire(page(), 11, true, false));
  EXPECT_EQ(answer.result_int(), 404);
  EXPECT_EQ(answer.reason(), "Not Found");
  EXPECT_EQ(answer["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(answer["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(answer["Server"], "Communique");
  EXPECT_EQ(answer["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(answer["Cache-Control"], "no-store");
  EXPECT_EQ(answer["Content-Length"], "15");
  EXPECT_EQ(answer.body(), "<p>not here</p>");
  EXPECT_TRUE(answer.keep_alive());
}

TEST(Wire, TheHandlersCacheControlReplacesTheDefault) {
  auto response = page();
  response.headers.emplace_back("cache-control", "public, max-age=3600");
  const auto answer = parse(to_wire(response, 11, true, false));
  EXPECT_EQ(answer.count(bhttp::field::cache_control), 1U);
  EXPECT_EQ(answer[bhttp::field::cache_control], "public, max-age=3600");
}

TEST(Wire, HeadGivesTheLengthWithoutTheBody) {
  const auto wire = to_wire(page(), 11, true, true);
  EXPECT_EQ(wire.find("not here"), std::string::npos);
  const auto answer = parse(wire, true);
  EXPECT_EQ(answer["Content-Length"], "15");
}

TEST(Wire, SaysWhenTheConnectionCloses) {
  EXPECT_FALSE(parse(to_wire(page(), 11, false, false)).keep_alive());
  const auto old = parse(to_wire(page(), 10, true, false));
  EXPECT_EQ(old.version(), 10U);
  EXPECT_TRUE(old.keep_alive());
  EXPECT_FALSE(parse(to_wire(page(), 10, false, false)).keep_alive());
}

TEST(Wire, ALineBreakInAHeaderCannotStartAnother) {
  HttpResponse redirect;
  redirect.status = 302;
  redirect.content_type.clear();
  redirect.headers = {{"Location", "https://example.org/\r\nSet-Cookie: stolen=1"}};
  const auto answer = parse(to_wire(redirect, 11, true, false));
  EXPECT_EQ(answer.count(bhttp::field::set_cookie), 0U);
  EXPECT_EQ(answer[bhttp::field::location], "https://example.org/  Set-Cookie: stolen=1");
  EXPECT_EQ(answer.count(bhttp::field::content_type), 0U);
}

}  // namespace
}  // namespace communique
