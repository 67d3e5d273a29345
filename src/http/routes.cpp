#include "http/routes.hpp"

#include <memory>

#include "http/api.hpp"
#include "http/archive.hpp"
#include "http/health.hpp"
#include "http/link_pages.hpp"
#include "http/metrics.hpp"
#include "http/post_pages.hpp"
#include "http/privacy_pages.hpp"
#include "http/public_page.hpp"
#include "http/subscriber_pages.hpp"
#include "http/unsubscribe.hpp"

namespace communique {

std::vector<Route> make_routes(RouteServices services) {
  auto shared = std::make_shared<const RouteServices>(std::move(services));
  const auto to = [shared](ServiceHandler handler) -> Handler {
    return [shared, handler](const HttpRequest& request) { return handler(request, *shared); };
  };
  const auto quick = [shared](std::optional<HttpResponse> (*handler)(
                         const HttpRequest&, const RouteServices&)) -> QuickHandler {
    return [shared, handler](const HttpRequest& request) { return handler(request, *shared); };
  };
  auto pages = std::make_shared<UnsubscribedPages>(shared->identity.organisation);
  using A = Access;
  // clang-format off
  // method   pattern                                          access        handler
  return {
      {"GET",    "/health",                                    A::public_route,
       [shared](const HttpRequest&) { return handle_health(shared->store); }},
      {"GET",    "/metrics",                                   A::viewer,    to(handle_metrics)},

      // Public pages (subscriber_pages.hpp, privacy_pages.hpp, link_pages.hpp, unsubscribe.hpp,
      // archive.hpp, post_pages.hpp).
      {"GET",    "/",                                          A::public_route, to(pages::landing)},
      {"GET",    "/assets/public.css",                         A::public_route,
       [](const HttpRequest&) { return public_stylesheet(); },
       [](const HttpRequest&) -> std::optional<HttpResponse> { return public_stylesheet(); }},
      {"GET",    "/subscribe",                                 A::public_route, to(pages::subscribe_form)},
      {"POST",   "/subscribe",                                 A::public_route, to(pages::subscribe)},
      {"GET",    "/subscribe/snippet",                         A::public_route, to(pages::subscribe_snippet)},
      {"GET",    "/confirm/{token}",                           A::public_route, to(pages::confirm_page)},
      {"POST",   "/confirm",                                   A::public_route, to(pages::confirm)},
      {"GET",    "/preferences/{token}",                       A::public_route, to(pages::preferences)},
      {"POST",   "/preferences/{token}",                       A::public_route, to(pages::save_preferences)},
      {"GET",    "/privacy/{token}",                           A::public_route, to(pages::privacy)},
      {"GET",    "/privacy/{token}/data",                      A::public_route, to(pages::privacy_data)},
      {"POST",   "/privacy/{token}",                           A::public_route, to(pages::erase)},
      {"GET",    "/l/{token}",                                 A::public_route, to(pages::follow_link),
       quick(pages::follow_link_quickly)},
      {"GET",    "/o/{token}",                                 A::public_route,
       [shared](const HttpRequest& r) { return *pages::record_open(r, *shared); },
       quick(pages::record_open)},
      {"GET",    "/unsubscribe/{token}",                       A::public_route,
       [shared](const HttpRequest& r) {
         return handle_unsubscribe_page(r, shared->store, shared->links, shared->identity.organisation);
       }},
      {"POST",   "/unsubscribe/{token}",                       A::public_route, {}, {},
       [shared, pages](std::span<const HttpRequest> batch) {
         return unsubscribe_batch(batch, *shared, *pages);
       }},
      {"GET",    "/archive",                                   A::public_route,
       [shared](const HttpRequest& r) { return handle_archive_index(r, shared->store, shared->identity); }},
      // Before {slug}: the first route that matches wins.
      {"GET",    "/archive/feed.atom",                         A::public_route,
       [shared](const HttpRequest&) { return handle_archive_feed(shared->store, shared->identity); }},
      // An issue's address starts with its id; any other name is a list's page.
      {"GET",    "/archive/{slug}",                            A::public_route,
       [shared](const HttpRequest& r) {
         if (!pages::names_issue(r.params.at("slug"))) {
           return pages::list_archive(r.params.at("slug"), *shared);
         }
         return handle_archive_issue(r, shared->store, shared->identity, shared->data_dir);
       }},
      {"GET",    "/archive/{list}/feed.atom",                  A::public_route, to(pages::list_feed)},
      {"GET",    "/archive/{list}/topics/{topic}/feed.atom",   A::public_route, to(pages::topic_feed)},
      {"GET",    "/posts/{slug}",                              A::public_route, to(pages::post_page)},

      // The REST API (api.hpp), described by /api/v1/openapi.json.
      {"GET",    "/api/v1/openapi.json",                       A::public_route, to(api::openapi_document)},
      {"POST",   "/api/v1/session",                            A::public_route, to(api::sign_in)},
      {"GET",    "/api/v1/session",                            A::viewer,    to(api::whoami)},
      {"DELETE", "/api/v1/session",                            A::viewer,    to(api::sign_out)},
      {"GET",    "/api/v1/users",                              A::admin,     to(api::list_users)},
      {"POST",   "/api/v1/users",                              A::admin,     to(api::create_user)},
      {"PATCH",  "/api/v1/users/{id}",                         A::admin,     to(api::update_user)},
      {"DELETE", "/api/v1/users/{id}",                         A::admin,     to(api::delete_user)},
      {"PUT",    "/api/v1/users/{id}/password",                A::viewer,    to(api::change_password)},
      {"GET",    "/api/v1/tokens",                             A::viewer,    to(api::list_tokens)},
      {"POST",   "/api/v1/tokens",                             A::viewer,    to(api::create_token)},
      {"DELETE", "/api/v1/tokens/{id}",                        A::viewer,    to(api::delete_token)},
      {"GET",    "/api/v1/lists",                              A::viewer,    to(api::list_lists)},
      {"POST",   "/api/v1/lists",                              A::editor,    to(api::create_list)},
      {"GET",    "/api/v1/lists/{id}",                         A::viewer,    to(api::get_list)},
      {"PATCH",  "/api/v1/lists/{id}",                         A::editor,    to(api::update_list)},
      {"GET",    "/api/v1/lists/{id}/export",                  A::viewer,    to(api::export_list)},
      {"GET",    "/api/v1/lists/{id}/topics",                  A::viewer,    to(api::list_topics)},
      {"POST",   "/api/v1/lists/{id}/topics",                  A::editor,    to(api::create_topic)},
      {"GET",    "/api/v1/lists/{id}/sections",                A::viewer,    to(api::list_sections)},
      {"POST",   "/api/v1/lists/{id}/sections",                A::editor,    to(api::create_section)},
      {"PATCH",  "/api/v1/lists/{id}/sections/{section_id}",   A::editor,    to(api::update_section)},
      {"DELETE", "/api/v1/lists/{id}/sections/{section_id}",   A::editor,    to(api::delete_section)},
      {"GET",    "/api/v1/posts",                              A::viewer,    to(api::list_posts)},
      {"POST",   "/api/v1/posts",                              A::editor,    to(api::create_post)},
      {"GET",    "/api/v1/posts/{id}",                         A::viewer,    to(api::get_post)},
      {"PATCH",  "/api/v1/posts/{id}",                         A::editor,    to(api::update_post)},
      {"DELETE", "/api/v1/posts/{id}",                         A::editor,    to(api::delete_post)},
      {"POST",   "/api/v1/posts/{id}/publish",                 A::editor,    to(api::publish_post)},
      {"GET",    "/api/v1/subscribers",                        A::viewer,    to(api::list_subscribers)},
      {"POST",   "/api/v1/subscribers",                        A::editor,    to(api::create_subscriber)},
      {"GET",    "/api/v1/subscribers/{id}",                   A::viewer,    to(api::get_subscriber)},
      {"PATCH",  "/api/v1/subscribers/{id}",                   A::editor,    to(api::update_subscriber)},
      {"DELETE", "/api/v1/subscribers/{id}",                   A::editor,    to(api::delete_subscriber)},
      {"PUT",    "/api/v1/subscribers/{id}/subscriptions/{list}", A::editor, to(api::set_subscription)},
      {"POST",   "/api/v1/lists/{id}/imports",                 A::editor,    to(api::start_import), {}, {},
       BodySize::upload},
      {"GET",    "/api/v1/imports/{id}",                       A::viewer,    to(api::import_status)},
      {"GET",    "/api/v1/imports/{id}/rejects",               A::viewer,    to(api::import_rejects)},
      {"GET",    "/api/v1/templates",                          A::viewer,    to(api::list_templates)},
      {"GET",    "/api/v1/templates/{name}",                   A::viewer,    to(api::get_template)},
      {"PUT",    "/api/v1/templates/{name}",                   A::editor,    to(api::put_template)},
      {"GET",    "/api/v1/templates/{name}/preview",           A::viewer,    to(api::preview_template)},
      {"GET",    "/api/v1/settings",                           A::admin,     to(api::get_settings)},
      {"PATCH",  "/api/v1/settings",                           A::admin,     to(api::change_settings)},
      {"GET",    "/api/v1/issues",                             A::viewer,    to(api::list_issues)},
      {"POST",   "/api/v1/issues",                             A::editor,    to(api::create_issue)},
      {"GET",    "/api/v1/issues/{id}",                        A::viewer,    to(api::get_issue)},
      {"PUT",    "/api/v1/issues/{id}",                        A::editor,    to(api::update_issue)},
      {"GET",    "/api/v1/issues/{id}/preview",                A::viewer,    to(api::preview_issue)},
      {"POST",   "/api/v1/issues/{id}/test",                   A::editor,    to(api::test_send_issue)},
      {"POST",   "/api/v1/issues/{id}/send",                   A::editor,    to(api::send_issue)},
      {"POST",   "/api/v1/issues/{id}/schedule",               A::editor,    to(api::schedule_issue)},
      {"POST",   "/api/v1/issues/{id}/pause",                  A::editor,    to(api::pause_issue)},
      {"POST",   "/api/v1/issues/{id}/resume",                 A::editor,    to(api::resume_issue)},
      {"POST",   "/api/v1/issues/{id}/cancel",                 A::editor,    to(api::cancel_issue)},
      {"GET",    "/api/v1/issues/{id}/status",                 A::viewer,    to(api::issue_status)},
      {"GET",    "/api/v1/digests",                            A::viewer,    to(api::list_digests)},
      {"POST",   "/api/v1/digests",                            A::editor,    to(api::create_digest)},
      {"GET",    "/api/v1/digests/{id}",                       A::viewer,    to(api::get_digest)},
      {"PATCH",  "/api/v1/digests/{id}",                       A::editor,    to(api::update_digest)},
      {"DELETE", "/api/v1/digests/{id}",                       A::editor,    to(api::delete_digest)},
      {"POST",   "/api/v1/digests/{id}/run",                   A::editor,    to(api::run_digest)},
      {"GET",    "/api/v1/feeds",                              A::viewer,    to(api::list_feeds)},
      {"POST",   "/api/v1/feeds",                              A::editor,    to(api::create_feed)},
      {"GET",    "/api/v1/feeds/{id}",                         A::viewer,    to(api::get_feed)},
      {"PATCH",  "/api/v1/feeds/{id}",                         A::editor,    to(api::update_feed)},
      {"DELETE", "/api/v1/feeds/{id}",                         A::editor,    to(api::delete_feed)},
      {"POST",   "/api/v1/feeds/{id}/poll",                    A::editor,    to(api::poll_feed)},
  };
  // clang-format on
}

}  // namespace communique
