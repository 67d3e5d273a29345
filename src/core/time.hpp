// Time as the domain sees it: whole seconds since the Unix epoch, UTC, and a Clock that
// code asks for "now" so that tests can fix it (no test sleeps or reads the wall clock).
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace communique {

using Timestamp = std::chrono::sys_seconds;

// Returns the current time. Production code uses system_clock_now; tests pass a lambda.
using Clock = std::function<Timestamp()>;

Timestamp system_clock_now();

// "2026-11-29T07:05:47Z"
std::string format_iso8601(Timestamp time);

}  // namespace communique
