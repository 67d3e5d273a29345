#include "app/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

namespace communique {

ProgressBar::ProgressBar(std::FILE* stream, std::string label)
    : stream_(stream), label_(std::move(label)), enabled_(isatty(fileno(stream)) == 1) {}

void ProgressBar::update(std::uint64_t done, std::uint64_t total, const std::string& detail) {
  if (!enabled_) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total) {
    return;
  }
  last_draw_ = now;
  constexpr int kWidth = 30;
  const double fraction = total == 0 ? 0.0 : std::min(1.0, static_cast<double>(done) / total);
  const int filled = static_cast<int>(fraction * kWidth);
  const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '-');
  fmt::print(stream_, "\r{} [{}] {:3.0f}%  {}\x1b[K", label_, bar, fraction * 100, detail);
  std::fflush(stream_);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (enabled_ && drawn_) {
    fmt::print(stream_, "\r\x1b[K");
    std::fflush(stream_);
    drawn_ = false;
  }
}

}  // namespace communique
