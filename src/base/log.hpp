// Named loggers, one per module ("store", "http", "import"...), all writing to standard
// error through one sink so that lines from several threads never interleave.
//
// Policy: log at boundaries (a request done, a batch committed, a state change), never
// per item at info level, never secrets. The level is set once at start-up.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace communique {

// The logger of `module`, created on first use.
std::shared_ptr<spdlog::logger> logger(const std::string& module);

// Sets the level of every logger, present and future: trace, debug, info, warn, error, off.
// Returns false when `level` is not one of those names.
bool set_log_level(const std::string& level);

}  // namespace communique
