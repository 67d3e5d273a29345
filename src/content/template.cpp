#include "content/template.hpp"

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

#include <charconv>

#include "content/markdown.hpp"

namespace communique {

namespace mustache = kainjow::mustache;

struct Template::Compiled {
  explicit Compiled(const std::string& source) : engine(source) {}
  // kainjow's render is not const; each render works on a copy, so one compiled template
  // serves many threads.
  mustache::mustache engine;
  Escape escape = Escape::html;
};

namespace {

mustache::data to_data(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object: {
      mustache::data object{mustache::data::type::object};
      for (const auto& [key, item] : value.items()) {
        object.set(key, to_data(item));
      }
      return object;
    }
    case nlohmann::json::value_t::array: {
      mustache::data list{mustache::data::type::list};
      for (const auto& item : value) {
        list.push_back(to_data(item));
      }
      return list;
    }
    case nlohmann::json::value_t::string: {
      // An empty string is false in a section ({{#subscriber.name}}Dear ...), and renders
      // as nothing either way.
      const auto& text = value.get_ref<const std::string&>();
      return text.empty() ? mustache::data(mustache::data::type::bool_false) : mustache::data(text);
    }
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? mustache::data(mustache::data::type::bool_true)
                               : mustache::data(mustache::data::type::bool_false);
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return mustache::data(mustache::data::type::bool_false);
    default:
      return mustache::data(value.dump());
  }
}

}  // namespace

std::string locate_template_error(const std::string& source, const std::string& name,
                                  const std::string& message) {
  const auto at = message.rfind(" at ");
  std::size_t offset = 0;
  if (at != std::string::npos) {
    const char* first = message.data() + at + 4;
    const char* last = message.data() + message.size();
    auto [ptr, ec] = std::from_chars(first, last, offset);
    if (ec == std::errc() && ptr == last) {
      std::size_t line = 1;
      std::size_t column = 1;
      for (std::size_t i = 0; i < offset && i < source.size(); ++i) {
        if (source[i] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
      }
      return name + " line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
             message.substr(0, at);
    }
  }
  return name + ": " + message;
}

Result<Template> Template::compile(const std::string& source, const std::string& name,
                                   Escape escape) {
  auto compiled = std::make_shared<Compiled>(source);
  if (!compiled->engine.is_valid()) {
    return make_error(ErrorCode::invalid_input,
                      locate_template_error(source, name, compiled->engine.error_message()));
  }
  compiled->escape = escape;
  return Template(std::move(compiled), name, source);
}

Result<std::string> Template::render(const nlohmann::json& context) const {
  mustache::mustache engine = compiled_->engine;
  if (compiled_->escape == Escape::none) {
    engine.set_custom_escape([](const std::string& text) { return text; });
  } else {
    // Communiqué's own escaping, the same as the planned letters' (mail/letter_plan.cpp).
    engine.set_custom_escape([](const std::string& text) { return escape_html(text); });
  }
  std::string rendered = engine.render(to_data(context));
  if (!engine.is_valid()) {
    return make_error(ErrorCode::invalid_input,
                      locate_template_error(source_, name_, engine.error_message()));
  }
  return rendered;
}

}  // namespace communique
