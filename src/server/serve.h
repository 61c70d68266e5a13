#pragma once
// `kumo serve`: the composition root. Builds the store, launcher, dispatcher and API, wires
// them, serves until SIGINT/SIGTERM and shuts down cleanly.

namespace kumo::server {

// argv[0] is "serve".
int ServeMain(int argc, char** argv);

}  // namespace kumo::server
