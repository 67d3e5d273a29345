// html_to_markdown: sanitised HTML as Markdown (post bodies are Markdown). This declaration
// stands in for the fetching branch's header until it is merged.
#pragma once

#include <string>
#include <string_view>

namespace communique {

std::string html_to_markdown(std::string_view html);

}  // namespace communique
