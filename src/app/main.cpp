// communique: the one binary. Everything it does starts from the command line.
#include "app/cli.hpp"

int main(int argc, char** argv) {
  return communique::run_cli(argc, argv);
}
