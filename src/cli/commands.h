#pragma once
// The CLI's subcommands, each taking its parsed arguments, a Transport and the streams to use, and
// returning the process exit code (0 ok, 1 failure with one "kumo: ..." line on err).

#include <istream>
#include <ostream>
#include <string>

#include "cli/requests.h"
#include "cli/transport.h"

namespace kumo::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

struct InvokeArgs {
  std::string name;
  std::string payload_arg;  // as given to --payload: JSON, @file, - or empty
  bool tail_log = false;
};

int Deploy(Transport& transport, const DeploySpec& spec, const std::string& dir, Io io);
int Invoke(Transport& transport, const InvokeArgs& args, Io io);
int ListFunctions(Transport& transport, Io io);
int RemoveFunction(Transport& transport, const std::string& name, Io io);
int ShowLogs(Transport& transport, const std::string& name, bool follow, Io io);

// "2025-11-25T19:46:40.123Z" for milliseconds since the epoch.
std::string IsoTimeFromMillis(int64_t millis);

}  // namespace kumo::cli
