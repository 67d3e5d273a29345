// Helpers shared by the tests: a temporary directory removed at the end of each test, and
// a fixed clock.
#pragma once

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

#include "core/time.hpp"

namespace communique::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("communique-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// 2026-11-29T07:05:47Z, and a given number of seconds after it.
inline Timestamp fixed_time(std::int64_t offset_seconds = 0) {
  return Timestamp(std::chrono::seconds(1795935947 + offset_seconds));
}

}  // namespace communique::testing
