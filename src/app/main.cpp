// communique: the one binary. Everything it does starts from the command line.
#include <sys/stat.h>

#include "app/cli.hpp"

// jemalloc's settings, read before main (MALLOC_CONF in the environment overrides them):
// one arena and freed pages returned within 50 ms keep a long send's resident memory
// near glibc's, while its thread caches serve the HTTP server's many small allocations.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc's interface
extern "C" {
const char* malloc_conf = "narenas:1,dirty_decay_ms:50,muzzy_decay_ms:0";
}

int main(int argc, char** argv) {
  // Everything Communiqué writes (database, uploads, rejects, outbox) is for its own user
  // only: the database holds the link-signing secret and any saved SMTP password.
  umask(077);
  return communique::run_cli(argc, argv);
}
