// kumo-sandbox: starts one function instance in a sandbox on behalf of kumo's launcher
// (launcher.cc), which spawns it with posix_spawn so the big server never forks. fd 3 is a unix
// socket that brings the configuration and takes back the one reply (helper_protocol.h); stdout
// and stderr are the instance's output pipe. The helper lives on as the instance's
// supervisor and exits the way the instance's main process did.

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/helper_protocol.h"
#include "sandbox/helper_steps.h"

int main() {
  using namespace kumo::sandbox;
  // Only 0-2 and the reply socket are meant for us; a leaked fd of the server must not reach
  // the instance.
  ::syscall(SYS_close_range, kHelperReplyFd + 1, ~0U, 0);
  if (::fcntl(kHelperReplyFd, F_SETFD, FD_CLOEXEC) != 0) return 125;
  // The launcher has sent it before we started; the timeout only guards against misuse.
  auto message = ReceiveWithFds(kHelperReplyFd, 10000, kMaxConfigBytes);
  if (!message.ok()) return 125;
  auto args = DecodeArgs(message->text);
  if (!args.has_value()) {
    SendWithFds(kHelperReplyFd, FormatErrorReply("malformed configuration"), {});
    return 125;
  }
  auto config = ParseHelperArgs(*args);
  if (!config.ok()) {
    SendWithFds(kHelperReplyFd, FormatErrorReply(config.error().message), {});
    return 125;
  }
  if (config->probe) return helper::Probe();
  return helper::Supervise(*config);
}
