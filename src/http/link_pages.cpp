#include "http/link_pages.hpp"

#include "http/click_counter.hpp"
#include "http/page_support.hpp"
#include "http/public_page.hpp"

namespace communique::pages {

namespace {

HttpResponse redirect_to(const std::string& url) {
  HttpResponse response;
  response.status = 302;
  response.content_type.clear();
  response.headers.emplace_back("Location", url);
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace

std::optional<HttpResponse> follow_link_quickly(const HttpRequest& request,
                                                const RouteServices& services) {
  // A click token carries the link's id where other tokens carry an issue, and a
  // subscriber only when the issue tracks subscribers.
  auto click = path_token(request, services.links, TokenPurpose::click);
  if (!click) {
    return not_found_page();
  }
  if (services.clicks == nullptr) {
    return std::nullopt;
  }
  auto url = services.clicks->follow_cached(click->issue, click->subscriber);
  if (!url) {
    return std::nullopt;
  }
  return redirect_to(*url);
}

HttpResponse follow_link(const HttpRequest& request, const RouteServices& services) {
  auto click = path_token(request, services.links, TokenPurpose::click);
  if (!click || services.clicks == nullptr) {
    return not_found_page();
  }
  auto url = services.clicks->follow(click->issue, click->subscriber);
  if (!url) {
    return url.error().code == ErrorCode::not_found ? not_found_page() : busy(services);
  }
  return redirect_to(*url);
}

std::optional<HttpResponse> record_open(const HttpRequest& request, const RouteServices& services) {
  auto open = path_token(request, services.links, TokenPurpose::open);
  if (!open || services.clicks == nullptr) {
    return not_found_page();
  }
  services.clicks->record_open(open->issue, open->subscriber);
  // The smallest transparent GIF.
  static const std::string kPixel(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
      "!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01"
      "\x00\x00\x02\x02D\x01\x00;",
      43);
  HttpResponse response;
  response.content_type = "image/gif";
  response.body = kPixel;
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace communique::pages
