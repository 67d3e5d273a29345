// EmbeddedFile: a text file compiled into the binary (SQL, templates), by base name.
// The build generates the tables (cmake/EmbedFiles.cmake); this header is their shape.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace communique {

struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

// The content of the file called `name` in `files`, if there is one.
inline std::optional<std::string_view> find_embedded(std::span<const EmbeddedFile> files,
                                                     std::string_view name) {
  for (const auto& file : files) {
    if (file.name == name) {
      return file.content;
    }
  }
  return std::nullopt;
}

}  // namespace communique
