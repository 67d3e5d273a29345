#include "http/public_page.hpp"

#include <map>
#include <mutex>

#include "base/embedded_file.hpp"
#include "base/log.hpp"
#include "content/template.hpp"

namespace communique::public_templates {
std::span<const communique::EmbeddedFile> embedded_files();
}

namespace communique {

namespace {

// The compiled templates, by file name. They are part of the binary, so a broken one is
// a bug: it is logged and renders as an empty string.
const Template* find_template(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, Template, std::less<>> compiled;
  std::lock_guard lock(mutex);
  if (auto found = compiled.find(name); found != compiled.end()) {
    return &found->second;
  }
  auto source = find_embedded(public_templates::embedded_files(), name);
  if (!source) {
    logger("http")->error("no public template {}", name);
    return nullptr;
  }
  const auto escape = name.ends_with(".txt") ? Template::Escape::none : Template::Escape::html;
  auto made = Template::compile(std::string(*source), name, escape);
  if (!made) {
    logger("http")->error("public template {}: {}", name, made.error().message);
    return nullptr;
  }
  return &compiled.emplace(name, std::move(*made)).first->second;
}

std::string render(const std::string& name, const nlohmann::json& context) {
  const Template* found = find_template(name);
  if (found == nullptr) {
    return "";
  }
  auto rendered = found->render(context);
  if (!rendered) {
    logger("http")->error("public template {}: {}", name, rendered.error().message);
    return "";
  }
  return std::move(*rendered);
}

}  // namespace

HttpResponse public_page(int status, const std::string& title, const std::string& body_html,
                         const std::string& organisation, const PageHead& head) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; style-src 'self'; img-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // "Subscribe · Example Embassy"; a page titled with the organisation's name says it once.
  const auto page_title =
      organisation.empty() || title == organisation ? title : title + " · " + organisation;
  response.body = render("layout.html", {{"title", title},
                                         {"page_title", page_title},
                                         {"body", body_html},
                                         {"organisation", organisation},
                                         {"language", head.language.empty() ? "en" : head.language},
                                         {"indexable", head.indexable},
                                         {"head", head.extra_html}});
  return response;
}

HttpResponse render_public_page(int status, const std::string& title, const std::string& page,
                                const nlohmann::json& context, const std::string& organisation,
                                const PageHead& head) {
  return public_page(status, title, render(page + ".html", context), organisation, head);
}

HttpResponse message_page(int status, const std::string& title,
                          const std::vector<std::string>& paragraphs,
                          const std::string& organisation) {
  return render_public_page(status, title, "message", {{"paragraphs", paragraphs}}, organisation);
}

std::string render_public_text(const std::string& name, const nlohmann::json& context) {
  return render(name, context);
}

HttpResponse public_stylesheet() {
  HttpResponse response;
  response.content_type = "text/css; charset=utf-8";
  response.body =
      std::string(find_embedded(public_templates::embedded_files(), "public.css").value_or(""));
  response.headers.emplace_back("Cache-Control", "public, max-age=86400");
  return response;
}

HttpResponse not_found_page() {
  // The same for every bad link: made once.
  static const HttpResponse page =
      public_page(404, "Page not found",
                  "<p>This link is not valid. If you copied it from a letter, check that it is "
                  "complete.</p>");
  return page;
}

std::optional<TokenClaims> path_token(const HttpRequest& request, const LinkSigner& links,
                                      TokenPurpose purpose) {
  const auto token = request.params.find("token");
  if (token == request.params.end()) {
    return std::nullopt;
  }
  auto claims = links.verify(token->second, purpose);
  if (!claims) {
    return std::nullopt;
  }
  return *claims;
}

}  // namespace communique
