#include "app/runtime.hpp"

#include <fmt/format.h>

#include "base/log.hpp"
#include "store/open_store.hpp"

namespace communique {

int fail(const std::string& message) {
  fmt::print(stderr, "communique: {}\n", message);
  return 1;
}

int fail(const Error& error) {
  return fail(error.message);
}

Result<Runtime> open_runtime(const GlobalOptions& global, Verbosity verbosity) {
  auto settings = load_settings(global.config, process_environment());
  if (!settings) {
    return make_error(settings.error().code, "configuration: " + settings.error().message);
  }
  const std::string level = global.log_level.value_or(
      settings->log_level.value_or(verbosity == Verbosity::chatty ? "info" : "warn"));
  if (!set_log_level(level)) {
    return make_error(
        ErrorCode::invalid_input,
        "unknown log level '" + level + "'; use trace, debug, info, warn, error or off");
  }
  auto store = open_store(settings->store, global.data_dir);
  if (!store) {
    return std::move(store).error();
  }
  return Runtime{std::move(*settings), std::move(*store)};
}

Result<ListRuntime> open_list(const GlobalOptions& global, const std::string& name) {
  auto runtime = open_runtime(global, Verbosity::quiet);
  if (!runtime) {
    return std::move(runtime).error();
  }
  auto list = runtime->store->find_list(name);
  if (!list) {
    return std::move(list).error();
  }
  return ListRuntime{std::move(*runtime), std::move(*list)};
}

}  // namespace communique
