#include "sandbox/netns_socket.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

namespace kumo::sandbox {

Result<UniqueFd> SocketInNetworkOf(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  UniqueFd ns(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns.valid()) {
    return MakeError(ErrorCode::kInternal, "open " + path + ": " + std::strerror(errno));
  }
  int sock = -1;
  int err = 0;
  std::string step;
  // The thread ends right after: its changed namespace never leaks into other work.
  std::thread worker([&] {
    if (::setns(ns.get(), CLONE_NEWNET) != 0) {
      err = errno;
      step = "setns " + path;
      return;
    }
    sock = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (sock < 0) {
      err = errno;
      step = "socket";
    }
  });
  worker.join();
  if (sock < 0) return MakeError(ErrorCode::kInternal, step + ": " + std::strerror(err));
  return UniqueFd(sock);
}

}  // namespace kumo::sandbox
