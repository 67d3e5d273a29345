// Template: a compiled Mustache template (kainjow) and its rendering.
//
// Policy: logic-less and sandboxed. A template sees the context it is given and nothing
// else: no environment, no files, no configuration (partials resolve only from the
// context, which never holds any). Values are HTML-escaped unless the template asks for
// raw output with {{{triple}}} braces; text templates use Escape::none. A broken template
// is reported with its name, line and column, at compile time and at render time.
// An empty string counts as false in a section, so {{#name}}Dear {{name}}{{/name}} works.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "base/result.hpp"

namespace communique {

class Template {
 public:
  enum class Escape { html, none };

  static Result<Template> compile(const std::string& source, const std::string& name,
                                  Escape escape);

  // Renders with `context` (a JSON object: strings, numbers, booleans, arrays, objects).
  Result<std::string> render(const nlohmann::json& context) const;

  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }

 private:
  struct Compiled;
  Template(std::shared_ptr<const Compiled> compiled, std::string name, std::string source)
      : compiled_(std::move(compiled)), name_(std::move(name)), source_(std::move(source)) {}

  std::shared_ptr<const Compiled> compiled_;
  std::string name_;
  std::string source_;
};

// "name line L, column C: message" for a kainjow message that ends in "at OFFSET".
std::string locate_template_error(const std::string& source, const std::string& name,
                                  const std::string& message);

}  // namespace communique
