#include "base/log.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace communique {

namespace {

std::mutex& registry_mutex() {
  static std::mutex mutex;
  return mutex;
}

spdlog::sink_ptr shared_sink() {
  static spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  return sink;
}

spdlog::level::level_enum& current_level() {
  static spdlog::level::level_enum level = spdlog::level::info;
  return level;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& module) {
  std::lock_guard lock(registry_mutex());
  if (auto existing = spdlog::get(module)) {
    return existing;
  }
  auto created = std::make_shared<spdlog::logger>(module, shared_sink());
  created->set_level(current_level());
  created->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc);
  spdlog::register_logger(created);
  return created;
}

bool set_log_level(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return false;
  }
  std::lock_guard lock(registry_mutex());
  current_level() = parsed;
  spdlog::apply_all(
      [parsed](const std::shared_ptr<spdlog::logger>& each) { each->set_level(parsed); });
  return true;
}

}  // namespace communique
