#include "http/form.hpp"

#include "base/text.hpp"

namespace communique {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// In a form, '+' is a space; in a URL's path it is itself.
enum class Plus { space, literal };

std::optional<std::string> decode_component(std::string_view text, Plus plus = Plus::space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus == Plus::space) {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  if (!is_valid_utf8(out)) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<std::string> decode_path_segment(std::string_view segment) {
  return decode_component(segment, Plus::literal);
}

std::string encode_path_segment(std::string_view text) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

Result<FormFields> parse_form(std::string_view text) {
  FormFields fields;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('&', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const auto pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) {
      continue;
    }
    const auto equals = pair.find('=');
    auto name = decode_component(pair.substr(0, equals));
    auto value = decode_component(equals == std::string_view::npos ? std::string_view{}
                                                                   : pair.substr(equals + 1));
    if (!name) {
      return make_error(ErrorCode::invalid_input, "a form field's name is not well encoded");
    }
    if (!value) {
      return make_error(ErrorCode::invalid_input,
                        "the form field '" + *name + "' is not well encoded (UTF-8, %XX)");
    }
    fields.emplace_back(std::move(*name), std::move(*value));
  }
  return fields;
}

std::optional<std::string> form_value(const FormFields& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> form_values(const FormFields& fields, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : fields) {
    if (key == name) {
      values.push_back(value);
    }
  }
  return values;
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  std::size_t start = 0;
  while (start < header.size()) {
    auto end = header.find(';', start);
    if (end == std::string_view::npos) {
      end = header.size();
    }
    const auto pair = trim(header.substr(start, end - start));
    start = end + 1;
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == name) {
      return std::string(trim(pair.substr(equals + 1)));
    }
  }
  return std::nullopt;
}

}  // namespace communique
