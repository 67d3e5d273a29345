// /api/v1/session, /api/v1/users and /api/v1/tokens.
#include <fmt/format.h>

#include "http/access.hpp"
#include "http/api.hpp"
#include "http/api_json.hpp"

namespace communique::api {

namespace {

// Fails when an account route is reached without accounts configured (never in serve).
Result<Accounts*> accounts_of(const RouteServices& services) {
  if (services.accounts == nullptr) {
    return make_error(ErrorCode::unavailable, "accounts are not enabled on this server");
  }
  return services.accounts;
}

// What the account writes read first: the accounts, the JSON body and its `name`, and
// its `password` when `with_password` (errors in that order).
struct AccountRequest {
  Accounts* accounts = nullptr;
  json body;
  std::string name;
  std::string password;
};

Result<AccountRequest> account_request(const HttpRequest& request, const RouteServices& services,
                                       bool with_password) {
  auto accounts = accounts_of(services);
  auto body = object_body(request);
  if (auto error = first_error(accounts, body)) {
    return *error;
  }
  auto name = required_string(*body, "name");
  auto password = with_password ? required_string(*body, "password") : std::string();
  if (auto error = first_error(name, password)) {
    return *error;
  }
  return AccountRequest{*accounts, std::move(*body), std::move(*name), std::move(*password)};
}

Result<Role> role_field(const json& body) {
  auto text = required_string(body, "role");
  if (!text) {
    return std::move(text).error();
  }
  auto role = parse_role(*text);
  if (!role) {
    return make_error(ErrorCode::invalid_input, "role: must be admin, editor or viewer");
  }
  return *role;
}

// The caller's password, given again in `field` before something that outlasts their
// session: a stolen cookie alone must not make one. forbidden when it is missing or wrong.
Result<void> password_given_again(const HttpRequest& request, const RouteServices& services,
                                  Accounts& accounts, const json& body, const char* field,
                                  std::string_view what) {
  auto given = optional_string(body, field);
  if (!given) {
    return std::move(given).error();
  }
  if (!*given || (*given)->empty()) {
    return make_error(ErrorCode::forbidden, fmt::format("{} asks for your password again: send it "
                                                        "as \"{}\"",
                                                        what, field));
  }
  auto confirmed = accounts.confirm_password(request.principal->user, **given,
                                             request.remote_address, services.clock());
  if (!confirmed && confirmed.error().code == ErrorCode::forbidden) {
    return make_error(ErrorCode::forbidden,
                      fmt::format("{}: is not your password; {} asks for it again", field, what));
  }
  return confirmed;
}

// The optional `keep_tokens` of a password change: the user's API tokens are revoked
// unless it is true.
Result<ExistingTokens> existing_tokens_field(const json& body) {
  auto keep = body.find("keep_tokens");
  if (keep == body.end()) {
    return ExistingTokens::revoke;
  }
  if (!keep->is_boolean()) {
    return make_error(ErrorCode::invalid_input, "keep_tokens: must be true or false");
  }
  return keep->get<bool>() ? ExistingTokens::keep : ExistingTokens::revoke;
}

}  // namespace

HttpResponse sign_in(const HttpRequest& request, const RouteServices& services) {
  auto given = account_request(request, services, true);
  if (!given) {
    return fail(given.error());
  }
  auto session = given->accounts->sign_in(given->name, given->password, request.remote_address,
                                          services.clock());
  if (!session) {
    return fail(session.error());
  }
  auto response = answer({{"user", to_json(session->user)},
                          {"csrf_token", session->csrf_token},
                          {"expires_at", format_iso8601(session->expires)}});
  response.headers.emplace_back("Set-Cookie",
                                session_cookie(session->secret,
                                               std::chrono::duration_cast<std::chrono::seconds>(
                                                   session->expires - services.clock()),
                                               services.secure()));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse whoami(const HttpRequest& request, const RouteServices&) {
  const auto& principal = *request.principal;
  json out{{"user", to_json(principal.user)},
           {"via", principal.via == Principal::Via::session ? "session" : "api_token"}};
  if (principal.via == Principal::Via::session) {
    out["csrf_token"] = principal.csrf_token;
  }
  auto response = answer(out);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse sign_out(const HttpRequest& request, const RouteServices& services) {
  auto accounts = accounts_of(services);
  if (!accounts) {
    return fail(accounts.error());
  }
  if (auto cookie = cookie_value(request.header("cookie"), kSessionCookie)) {
    if (auto done = (*accounts)->sign_out(*cookie); !done) {
      return fail(done.error());
    }
  }
  auto response = no_content();
  response.headers.emplace_back("Set-Cookie", cleared_session_cookie(services.secure()));
  return response;
}

HttpResponse list_users(const HttpRequest&, const RouteServices& services) {
  return answer_list("users", services.store.users());
}

// A new user is a lasting credential of whoever set its password, so the caller's own
// password is asked again as `current_password` (`password` is the new user's).
HttpResponse create_user(const HttpRequest& request, const RouteServices& services) {
  auto given = account_request(request, services, true);
  if (!given) {
    return fail(given.error());
  }
  auto role = role_field(given->body);
  if (!role) {
    return fail(role.error());
  }
  auto confirmed = password_given_again(request, services, *given->accounts, given->body,
                                        "current_password", "creating a user");
  if (!confirmed) {
    return fail(confirmed.error());
  }
  auto user = given->accounts->add_user(given->name, *role, given->password, services.clock());
  if (!user) {
    return fail(user.error());
  }
  return answer(to_json(*user), 201);
}

HttpResponse update_user(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(id, body)) {
    return fail(*error);
  }
  auto role = role_field(*body);
  if (!role) {
    return fail(role.error());
  }
  if (auto done = services.store.set_role(*id, *role, services.clock()); !done) {
    return fail(done.error());
  }
  auto user = services.store.find_user(*id);
  return user ? answer(to_json(*user)) : fail(user.error());
}

HttpResponse delete_user(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto done = services.store.delete_user(*id);
  return done ? no_content() : fail(done.error());
}

// A user changes their own password, or an admin sets anyone's, only after giving their
// own as `current_password`: a stolen session cannot take over an account. Either way
// every session of that user ends (the caller signs in again) and their API tokens are
// revoked unless `keep_tokens` is true; the answer says how many were.
HttpResponse change_password(const HttpRequest& request, const RouteServices& services) {
  auto accounts = accounts_of(services);
  auto id = path_id(request);
  auto body = object_body(request);
  if (auto error = first_error(accounts, id, body)) {
    return fail(*error);
  }
  const auto& principal = *request.principal;
  const bool own = principal.user.id == *id;
  if (!own && principal.user.role != Role::admin) {
    return fail({ErrorCode::forbidden, "only an admin may change another user's password"});
  }
  auto password = required_string(*body, "password");
  auto tokens = existing_tokens_field(*body);
  if (auto error = first_error(password, tokens)) {
    return fail(*error);
  }
  auto confirmed =
      password_given_again(request, services, **accounts, *body, "current_password",
                           own ? "changing your own password" : "setting another user's password");
  if (!confirmed) {
    return fail(confirmed.error());
  }
  auto revoked = (*accounts)->change_password(*id, *password, *tokens, services.clock());
  return revoked ? answer({{"revoked_tokens", *revoked}}) : fail(revoked.error());
}

HttpResponse list_tokens(const HttpRequest& request, const RouteServices& services) {
  return answer_list("tokens", services.store.api_tokens(request.principal->user.id));
}

// A token outlasts the session that asks for it, so the caller's password is asked again.
HttpResponse create_token(const HttpRequest& request, const RouteServices& services) {
  auto given = account_request(request, services, false);
  if (!given) {
    return fail(given.error());
  }
  auto confirmed = password_given_again(request, services, *given->accounts, given->body,
                                        "password", "creating an API token");
  if (!confirmed) {
    return fail(confirmed.error());
  }
  auto created =
      given->accounts->create_api_token(request.principal->user.id, given->name, services.clock());
  if (!created) {
    return fail(created.error());
  }
  json out = to_json(created->token);
  out["secret"] = created->secret;
  auto response = answer(out, 201);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse delete_token(const HttpRequest& request, const RouteServices& services) {
  auto id = path_id(request);
  if (!id) {
    return fail(id.error());
  }
  auto done = services.store.delete_api_token(request.principal->user.id, *id);
  return done ? no_content() : fail(done.error());
}

}  // namespace communique::api
