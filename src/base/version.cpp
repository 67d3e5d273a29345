#include "base/version.hpp"

namespace communique {

const char* version() {
  return COMMUNIQUE_VERSION;
}

}  // namespace communique
