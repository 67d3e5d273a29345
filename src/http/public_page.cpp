#include "http/public_page.hpp"

#include <fmt/format.h>

#include "content/markdown.hpp"

namespace communique {

HttpResponse public_page(int status, const std::string& title, const std::string& body_html) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; "
                                "form-action 'self'; frame-ancestors 'none'");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.body = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex\">\n<title>{}</title>\n"
      "<style>body{{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
      "max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6;color:#1b2733}}"
      "button{{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:4px;"
      "background:#1d4e89;color:#fff;cursor:pointer}}</style>\n</head>\n<body>\n<main>\n"
      "<h1>{}</h1>\n{}\n</main>\n</body>\n</html>\n",
      escape_html(title), escape_html(title), body_html);
  return response;
}

HttpResponse not_found_page() {
  return public_page(404, "Page not found",
                     "<p>This link is not valid. If you copied it from a letter, check that it is "
                     "complete.</p>");
}

}  // namespace communique
