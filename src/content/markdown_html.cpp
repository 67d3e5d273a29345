#include "content/md4c_parse.hpp"

#include <fmt/format.h>

#include "base/text.hpp"
#include "content/markdown.hpp"
#include "content/url_policy.hpp"

namespace communique {

namespace {

// Inline styles, chosen for mail clients: system fonts, no external resources, colours
// that read on light and dark backgrounds alike when clients invert them.
constexpr std::string_view kParagraph = "margin:0 0 16px 0;line-height:1.6;";
constexpr std::string_view kTurn =
    "margin:0 0 12px 0;line-height:1.6;padding-left:12px;"
    "border-left:3px solid #c9d3dd;";
constexpr std::string_view kSpeaker = "color:#1d4e89;";
constexpr std::string_view kQuote =
    "margin:0 0 16px 0;padding:8px 16px;border-left:4px solid "
    "#1d4e89;background:#f3f6f9;color:#24323f;font-style:italic;";
constexpr std::string_view kList = "margin:0 0 16px 0;padding-left:28px;line-height:1.6;";
constexpr std::string_view kItem = "margin:0 0 6px 0;";
constexpr std::string_view kLink = "color:#1d4e89;text-decoration:underline;";
constexpr std::string_view kImage = "max-width:100%;height:auto;border:0;display:block;";
constexpr std::string_view kCodeBlock =
    "margin:0 0 16px 0;padding:12px;background:#f3f6f9;"
    "overflow-x:auto;font-size:13px;";
constexpr std::string_view kCode = "font-family:Menlo,Consolas,monospace;font-size:90%;";
constexpr std::string_view kRule = "border:0;border-top:1px solid #c9d3dd;margin:24px 0;";
constexpr std::string_view kTable = "border-collapse:collapse;margin:0 0 16px 0;width:100%;";
constexpr std::string_view kCell = "border:1px solid #c9d3dd;padding:6px 8px;text-align:left;";

std::string_view heading_style(unsigned level) {
  switch (level) {
    case 1:
      return "margin:24px 0 12px 0;font-size:24px;line-height:1.3;color:#14293d;";
    case 2:
      return "margin:24px 0 12px 0;font-size:20px;line-height:1.3;color:#14293d;";
    default:
      return "margin:20px 0 8px 0;font-size:17px;line-height:1.3;color:#14293d;";
  }
}

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string attribute_text(const MD_ATTRIBUTE& attribute) {
  std::string text;
  if (attribute.text == nullptr) {
    return text;
  }
  for (int i = 0; attribute.substr_offsets[i] < attribute.size; ++i) {
    const auto begin = attribute.substr_offsets[i];
    const auto end = attribute.substr_offsets[i + 1];
    const std::string_view piece(attribute.text + begin, end - begin);
    if (attribute.substr_types[i] == MD_TEXT_NULLCHAR) {
      text += "\xEF\xBF\xBD";
    } else if (attribute.substr_types[i] == MD_TEXT_ENTITY && piece == "&amp;") {
      text += "&";
    } else {
      text.append(piece);
    }
  }
  return text;
}

struct HtmlRenderer {
  std::string out;
  std::string paragraph;  // a paragraph is held until its end, to see if it is a turn
  bool in_paragraph = false;
  int image_depth = 0;  // inside ![alt](src): text is the alt attribute
  std::string image_alt;
  std::string image_src;
  std::string image_title;

  std::string& sink() { return in_paragraph ? paragraph : out; }

  void text(std::string_view value) {
    if (image_depth > 0) {
      image_alt.append(value);
      return;
    }
    append_escaped(sink(), value);
  }

  void finish_paragraph() {
    in_paragraph = false;
    constexpr std::string_view kOpen = "<strong>";
    constexpr std::string_view kClose = ":</strong>";
    const auto close = paragraph.find(kClose);
    const bool turn = paragraph.starts_with(kOpen) && close != std::string::npos &&
                      close <= kOpen.size() + 80 && paragraph.find('<', kOpen.size()) == close + 1;
    if (turn) {
      out += fmt::format("<p style=\"{}\"><strong style=\"{}\">", kTurn, kSpeaker);
      out.append(paragraph, kOpen.size());
    } else {
      out += fmt::format("<p style=\"{}\">", kParagraph);
      out += paragraph;
    }
    out += "</p>\n";
    paragraph.clear();
  }
};

int enter_block(MD_BLOCKTYPE type, void* detail, void* userdata) {
  auto& r = *static_cast<HtmlRenderer*>(userdata);
  auto& out = r.sink();
  switch (type) {
    case MD_BLOCK_DOC:
      break;
    case MD_BLOCK_QUOTE:
      out += fmt::format("<blockquote style=\"{}\">\n", kQuote);
      break;
    case MD_BLOCK_UL:
      out += fmt::format("<ul style=\"{}\">\n", kList);
      break;
    case MD_BLOCK_OL: {
      const auto* ol = static_cast<MD_BLOCK_OL_DETAIL*>(detail);
      out += ol->start == 1 ? fmt::format("<ol style=\"{}\">\n", kList)
                            : fmt::format("<ol start=\"{}\" style=\"{}\">\n", ol->start, kList);
      break;
    }
    case MD_BLOCK_LI:
      out += fmt::format("<li style=\"{}\">", kItem);
      break;
    case MD_BLOCK_HR:
      out += fmt::format("<hr style=\"{}\">\n", kRule);
      break;
    case MD_BLOCK_H: {
      const auto* h = static_cast<MD_BLOCK_H_DETAIL*>(detail);
      out += fmt::format("<h{} style=\"{}\">", h->level, heading_style(h->level));
      break;
    }
    case MD_BLOCK_CODE:
      out += fmt::format("<pre style=\"{}\"><code style=\"{}\">", kCodeBlock, kCode);
      break;
    case MD_BLOCK_HTML:
      break;
    case MD_BLOCK_P:
      r.in_paragraph = true;
      break;
    case MD_BLOCK_TABLE:
      out += fmt::format("<table role=\"presentation\" style=\"{}\">\n", kTable);
      break;
    case MD_BLOCK_THEAD:
      out += "<thead>\n";
      break;
    case MD_BLOCK_TBODY:
      out += "<tbody>\n";
      break;
    case MD_BLOCK_TR:
      out += "<tr>";
      break;
    case MD_BLOCK_TH:
      out += fmt::format("<th style=\"{}\">", kCell);
      break;
    case MD_BLOCK_TD:
      out += fmt::format("<td style=\"{}\">", kCell);
      break;
  }
  return 0;
}

int leave_block(MD_BLOCKTYPE type, void* detail, void* userdata) {
  auto& r = *static_cast<HtmlRenderer*>(userdata);
  if (type == MD_BLOCK_P) {
    r.finish_paragraph();
    return 0;
  }
  auto& out = r.sink();
  switch (type) {
    case MD_BLOCK_QUOTE:
      out += "</blockquote>\n";
      break;
    case MD_BLOCK_UL:
      out += "</ul>\n";
      break;
    case MD_BLOCK_OL:
      out += "</ol>\n";
      break;
    case MD_BLOCK_LI:
      out += "</li>\n";
      break;
    case MD_BLOCK_H:
      out += fmt::format("</h{}>\n", static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
      break;
    case MD_BLOCK_CODE:
      out += "</code></pre>\n";
      break;
    case MD_BLOCK_TABLE:
      out += "</table>\n";
      break;
    case MD_BLOCK_THEAD:
      out += "</thead>\n";
      break;
    case MD_BLOCK_TBODY:
      out += "</tbody>\n";
      break;
    case MD_BLOCK_TR:
      out += "</tr>\n";
      break;
    case MD_BLOCK_TH:
      out += "</th>";
      break;
    case MD_BLOCK_TD:
      out += "</td>";
      break;
    default:
      break;
  }
  return 0;
}

int enter_span(MD_SPANTYPE type, void* detail, void* userdata) {
  auto& r = *static_cast<HtmlRenderer*>(userdata);
  if (r.image_depth > 0) {
    if (type == MD_SPAN_IMG) {
      ++r.image_depth;
    }
    return 0;  // markup inside alt text is dropped
  }
  auto& out = r.sink();
  switch (type) {
    case MD_SPAN_EM:
      out += "<em>";
      break;
    case MD_SPAN_STRONG:
      out += "<strong>";
      break;
    case MD_SPAN_A: {
      const auto* a = static_cast<MD_SPAN_A_DETAIL*>(detail);
      out += "<a href=\"";
      append_escaped(out, safe_url(attribute_text(a->href)));
      out += "\"";
      const auto title = attribute_text(a->title);
      if (!title.empty()) {
        out += " title=\"";
        append_escaped(out, title);
        out += "\"";
      }
      out += fmt::format(" style=\"{}\">", kLink);
      break;
    }
    case MD_SPAN_IMG: {
      const auto* img = static_cast<MD_SPAN_IMG_DETAIL*>(detail);
      r.image_depth = 1;
      r.image_alt.clear();
      r.image_src = safe_url(attribute_text(img->src));
      r.image_title = attribute_text(img->title);
      break;
    }
    case MD_SPAN_CODE:
      out += fmt::format("<code style=\"{}\">", kCode);
      break;
    case MD_SPAN_DEL:
      out += "<del>";
      break;
    case MD_SPAN_U:
      out += "<u>";
      break;
    default:
      break;
  }
  return 0;
}

int leave_span(MD_SPANTYPE type, void*, void* userdata) {
  auto& r = *static_cast<HtmlRenderer*>(userdata);
  if (r.image_depth > 0) {
    if (type == MD_SPAN_IMG && --r.image_depth == 0) {
      auto& out = r.sink();
      out += "<img src=\"";
      append_escaped(out, r.image_src);
      out += "\" alt=\"";
      append_escaped(out, r.image_alt);
      out += "\"";
      if (!r.image_title.empty()) {
        out += " title=\"";
        append_escaped(out, r.image_title);
        out += "\"";
      }
      out += fmt::format(" style=\"{}\">", kImage);
    }
    return 0;
  }
  auto& out = r.sink();
  switch (type) {
    case MD_SPAN_EM:
      out += "</em>";
      break;
    case MD_SPAN_STRONG:
      out += "</strong>";
      break;
    case MD_SPAN_A:
      out += "</a>";
      break;
    case MD_SPAN_CODE:
      out += "</code>";
      break;
    case MD_SPAN_DEL:
      out += "</del>";
      break;
    case MD_SPAN_U:
      out += "</u>";
      break;
    default:
      break;
  }
  return 0;
}

int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  auto& r = *static_cast<HtmlRenderer*>(userdata);
  const std::string_view value(text, size);
  switch (type) {
    case MD_TEXT_NULLCHAR:
      r.text("\xEF\xBF\xBD");
      break;
    case MD_TEXT_BR:
      if (r.image_depth == 0) {
        r.sink() += "<br>\n";
      }
      break;
    case MD_TEXT_SOFTBR:
      r.text("\n");
      break;
    case MD_TEXT_ENTITY:
      // md4c hands over a syntactically valid entity (&amp; &#169; &copy;): keep it.
      if (r.image_depth > 0) {
        r.image_alt.append(value == "&amp;" ? "&" : value);
      } else {
        r.sink().append(value);
      }
      break;
    default:
      r.text(value);
      break;
  }
  return 0;
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

std::string safe_url(std::string_view url) {
  std::string read = browser_url(url);
  const std::string scheme = url_scheme(read);
  // Relative ("/archive", "#top", "page.html") or of a scheme that runs nothing.
  if (scheme.empty() || scheme == "http" || scheme == "https" || scheme == "mailto" ||
      scheme == "tel") {
    return read;
  }
  return "#";
}

Result<std::string> markdown_to_html(std::string_view markdown) {
  HtmlRenderer renderer;
  renderer.out.reserve(markdown.size() * 2);
  if (auto parsed = parse_markdown(
          markdown, {enter_block, leave_block, enter_span, leave_span, on_text}, &renderer);
      !parsed) {
    return std::move(parsed).error();
  }
  return std::move(renderer.out);
}

}  // namespace communique
