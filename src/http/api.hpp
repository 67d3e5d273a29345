// The REST API's handlers under /api/v1, one function per route (the route table in
// routes.cpp says who may call each). Bodies and answers are JSON; errors have the shape
// of responses.hpp. The OpenAPI document (openapi.json) describes every one.
#pragma once

#include "http/services.hpp"

namespace communique::api {

// Session and accounts (api_accounts.cpp).
HttpResponse sign_in(const HttpRequest& request, const RouteServices& services);
HttpResponse whoami(const HttpRequest& request, const RouteServices& services);
HttpResponse sign_out(const HttpRequest& request, const RouteServices& services);
HttpResponse list_users(const HttpRequest& request, const RouteServices& services);
HttpResponse create_user(const HttpRequest& request, const RouteServices& services);
HttpResponse update_user(const HttpRequest& request, const RouteServices& services);
HttpResponse delete_user(const HttpRequest& request, const RouteServices& services);
HttpResponse change_password(const HttpRequest& request, const RouteServices& services);
HttpResponse list_tokens(const HttpRequest& request, const RouteServices& services);
HttpResponse create_token(const HttpRequest& request, const RouteServices& services);
HttpResponse delete_token(const HttpRequest& request, const RouteServices& services);

// Lists, topics, subscribers and subscriptions (api_audience.cpp).
HttpResponse list_lists(const HttpRequest& request, const RouteServices& services);
HttpResponse create_list(const HttpRequest& request, const RouteServices& services);
HttpResponse get_list(const HttpRequest& request, const RouteServices& services);
HttpResponse update_list(const HttpRequest& request, const RouteServices& services);
HttpResponse export_list(const HttpRequest& request, const RouteServices& services);
HttpResponse list_topics(const HttpRequest& request, const RouteServices& services);
HttpResponse create_topic(const HttpRequest& request, const RouteServices& services);
HttpResponse list_subscribers(const HttpRequest& request, const RouteServices& services);
HttpResponse create_subscriber(const HttpRequest& request, const RouteServices& services);
HttpResponse get_subscriber(const HttpRequest& request, const RouteServices& services);
HttpResponse update_subscriber(const HttpRequest& request, const RouteServices& services);
HttpResponse delete_subscriber(const HttpRequest& request, const RouteServices& services);
HttpResponse set_subscription(const HttpRequest& request, const RouteServices& services);

// Issues (api_issues.cpp).
HttpResponse list_issues(const HttpRequest& request, const RouteServices& services);
HttpResponse create_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse get_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse update_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse preview_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse test_send_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse send_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse schedule_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse pause_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse resume_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse cancel_issue(const HttpRequest& request, const RouteServices& services);
HttpResponse issue_status(const HttpRequest& request, const RouteServices& services);

// Posts and the sections of lists (api_posts.cpp).
HttpResponse list_posts(const HttpRequest& request, const RouteServices& services);
HttpResponse create_post(const HttpRequest& request, const RouteServices& services);
HttpResponse get_post(const HttpRequest& request, const RouteServices& services);
HttpResponse update_post(const HttpRequest& request, const RouteServices& services);
HttpResponse delete_post(const HttpRequest& request, const RouteServices& services);
HttpResponse publish_post(const HttpRequest& request, const RouteServices& services);
HttpResponse list_sections(const HttpRequest& request, const RouteServices& services);
HttpResponse create_section(const HttpRequest& request, const RouteServices& services);
HttpResponse update_section(const HttpRequest& request, const RouteServices& services);
HttpResponse delete_section(const HttpRequest& request, const RouteServices& services);
// Digest definitions and their runs (api_digests.cpp).
HttpResponse list_digests(const HttpRequest& request, const RouteServices& services);
HttpResponse create_digest(const HttpRequest& request, const RouteServices& services);
HttpResponse get_digest(const HttpRequest& request, const RouteServices& services);
HttpResponse update_digest(const HttpRequest& request, const RouteServices& services);
HttpResponse delete_digest(const HttpRequest& request, const RouteServices& services);
HttpResponse run_digest(const HttpRequest& request, const RouteServices& services);

// Feeds whose items become posts (api_feeds.cpp).
HttpResponse list_feeds(const HttpRequest& request, const RouteServices& services);
HttpResponse create_feed(const HttpRequest& request, const RouteServices& services);
HttpResponse get_feed(const HttpRequest& request, const RouteServices& services);
HttpResponse update_feed(const HttpRequest& request, const RouteServices& services);
HttpResponse delete_feed(const HttpRequest& request, const RouteServices& services);
HttpResponse poll_feed(const HttpRequest& request, const RouteServices& services);

// Imports, templates and settings (api_content.cpp).
HttpResponse start_import(const HttpRequest& request, const RouteServices& services);
HttpResponse import_status(const HttpRequest& request, const RouteServices& services);
HttpResponse import_rejects(const HttpRequest& request, const RouteServices& services);
HttpResponse list_templates(const HttpRequest& request, const RouteServices& services);
HttpResponse get_template(const HttpRequest& request, const RouteServices& services);
HttpResponse put_template(const HttpRequest& request, const RouteServices& services);
HttpResponse preview_template(const HttpRequest& request, const RouteServices& services);
HttpResponse get_settings(const HttpRequest& request, const RouteServices& services);
HttpResponse change_settings(const HttpRequest& request, const RouteServices& services);

// The OpenAPI 3.1 document of all of the above (openapi.cpp).
HttpResponse openapi_document(const HttpRequest& request, const RouteServices& services);
const std::string& openapi_text();

}  // namespace communique::api
