// The kumo binary: `kumo serve` runs the server; every other subcommand is the CLI client.
#include <cstring>

#include "cli/cli.h"
#include "server/serve.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "serve") == 0) {
    return kumo::server::ServeMain(argc - 1, argv + 1);
  }
  return kumo::cli::Main(argc, argv);
}
