// Posts: their states, the rules for what a person writes in them, and their slugs.
#include "core/post.hpp"

#include "base/text.hpp"
#include "core/subscriber.hpp"

namespace communique {

std::string_view to_string(PostStatus status) {
  return status == PostStatus::published ? "published" : "draft";
}

std::optional<PostStatus> parse_post_status(std::string_view text) {
  if (text == "draft") {
    return PostStatus::draft;
  }
  if (text == "published") {
    return PostStatus::published;
  }
  return std::nullopt;
}

Result<std::string> validate_post_title(std::string_view title) {
  const std::string_view trimmed = trim(title);
  if (trimmed.empty()) {
    return make_error(ErrorCode::invalid_input, "title: the title is empty");
  }
  if (!is_valid_utf8(trimmed) || has_control_character(trimmed)) {
    return make_error(ErrorCode::invalid_input,
                      "title: the title must be one line of UTF-8 without control characters");
  }
  if (code_points(trimmed) > 300) {
    return make_error(ErrorCode::invalid_input, "title: the title is longer than 300 characters");
  }
  return std::string(trimmed);
}

Result<std::string> validate_post_body(std::string_view body) {
  constexpr std::size_t kMostBytes = 1024 * 1024;
  if (body.size() > kMostBytes) {
    return make_error(ErrorCode::invalid_input,
                      "body: the body is larger than 1 MiB; split it into several posts");
  }
  if (!is_valid_utf8(body)) {
    return make_error(ErrorCode::invalid_input, "body: the body is not valid UTF-8");
  }
  for (char c : body) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7F) {
      return make_error(ErrorCode::invalid_input,
                        "body: the body contains a control character (other than tab and line "
                        "breaks)");
    }
  }
  return std::string(body);
}

Result<Post> normalise_post(Post post) {
  auto title = validate_post_title(post.title);
  if (!title) {
    return std::move(title).error();
  }
  auto body = validate_post_body(post.body);
  if (!body) {
    return std::move(body).error();
  }
  auto language = normalise_language(post.language);
  if (!language) {
    return make_error(ErrorCode::invalid_input, "language: " + language.error().message);
  }
  post.title = std::move(*title);
  post.body = std::move(*body);
  post.language = std::move(*language);
  return post;
}

Result<PostChanges> normalise_post_changes(PostChanges changes) {
  if (changes.title) {
    auto title = validate_post_title(*changes.title);
    if (!title) {
      return std::move(title).error();
    }
    changes.title = std::move(*title);
  }
  if (changes.body) {
    auto body = validate_post_body(*changes.body);
    if (!body) {
      return std::move(body).error();
    }
    changes.body = std::move(*body);
  }
  if (changes.language) {
    auto language = normalise_language(*changes.language);
    if (!language) {
      return make_error(ErrorCode::invalid_input, "language: " + language.error().message);
    }
    changes.language = std::move(*language);
  }
  return changes;
}

std::string post_slug(std::string_view title) {
  std::string slug = slugify(title);
  return slug.empty() ? std::string("post") : slug;
}

}  // namespace communique
