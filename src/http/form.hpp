// Form and query-string decoding (application/x-www-form-urlencoded), path segments, and
// cookies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace communique {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Decodes "a=1&b=x+y%21": '+' is a space, %XX a byte. invalid_input for a broken escape or
// text that is not UTF-8 once decoded, naming the field.
Result<FormFields> parse_form(std::string_view text);

// The first value of `name`, or nothing.
std::optional<std::string> form_value(const FormFields& fields, std::string_view name);
// Every value of `name`, in order (checkboxes).
std::vector<std::string> form_values(const FormFields& fields, std::string_view name);

// A path segment as it was meant ("Press%20office" → "Press office"; '+' stays '+'), or
// nothing for a broken escape or text that is not UTF-8. The router's captures are raw.
std::optional<std::string> decode_path_segment(std::string_view segment);
// `text` as one path segment: every byte but letters, digits and "-._~" as %XX.
std::string encode_path_segment(std::string_view text);

// The value of cookie `name` in a Cookie header, or nothing.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

}  // namespace communique
