// The command-line interface: parses argv with CLI11 and runs the chosen command.
#pragma once

namespace communique {

// Returns the process exit code: 0 done, 1 the command failed, 2 the command line was wrong.
int run_cli(int argc, char** argv);

}  // namespace communique
