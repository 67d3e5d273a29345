// The command-line interface: parses argv with CLI11 and runs the chosen command.
//
// Policy: it decides only the global options and the exit code of a wrong command line (2);
// each command group adds its own subcommands (app/command_groups.hpp), and each command
// prints its own result and decides its own exit code (app/commands.hpp).
#pragma once

namespace communique {

// Returns the process exit code: 0 done, 1 the command failed, 2 the command line was wrong,
// 3 (send) nothing could be sent and letters wait to be retried.
int run_cli(int argc, char** argv);

}  // namespace communique
