// ProgressBar: a one-line bar on standard error for long work, redrawn at most ten times
// a second, shown only when standard error is a terminal (pipes and logs stay clean).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace communique {

class ProgressBar {
 public:
  // `label` prefixes the bar ("importing"). Disabled when `stream` is not a terminal.
  ProgressBar(std::FILE* stream, std::string label);
  ~ProgressBar() { finish(); }

  // `done` of `total` units; `detail` follows the bar ("120,000 rows").
  void update(std::uint64_t done, std::uint64_t total, const std::string& detail);
  // Clears the line so the summary that follows starts clean.
  void finish();

 private:
  std::FILE* stream_;
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace communique
