// The version of this build, as `communique version` and /health report it.
#pragma once

namespace communique {

const char* version();

}  // namespace communique
