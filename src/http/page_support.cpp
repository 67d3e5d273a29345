#include "http/page_support.hpp"

#include "core/time.hpp"

#include "http/personal_links.hpp"
#include "http/public_page.hpp"
#include "security/link_binding.hpp"

namespace communique::pages {

std::optional<Subscriber> token_subscriber(const HttpRequest& request,
                                           const RouteServices& services, TokenPurpose purpose,
                                           std::uint32_t max_days) {
  auto link = personal_link(request, purpose, services.links, services.store);
  if (!link) {
    return std::nullopt;
  }
  if (max_days > 0 && link->claims.issued_day + max_days < day_number(services.clock())) {
    return std::nullopt;
  }
  return std::move(link->subscriber);
}

std::string sign(const RouteServices& services, TokenPurpose purpose,
                 const Subscriber& subscriber) {
  return services.links.sign({.purpose = purpose,
                              .subscriber = subscriber.id,
                              .issue = 0,
                              .issued_day = day_number(services.clock())},
                             token_key(purpose, subscriber.link_key));
}

HttpResponse busy(const RouteServices& services) {
  return message_page(503, "Please try again",
                      {"We could not record your choice just now. Please try again in a minute."},
                      services.identity.organisation);
}

}  // namespace communique::pages
