#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/helper_steps.h"

namespace kumo::sandbox::helper {

std::string ErrnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string BringLoopbackUp() {
  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) return ErrnoText("socket for lo");
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  std::string err;
  if (::ioctl(sock, SIOCGIFFLAGS, &req) < 0) {
    err = ErrnoText("get flags of lo");
  } else {
    req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(sock, SIOCSIFFLAGS, &req) < 0) err = ErrnoText("bring lo up");
  }
  ::close(sock);
  return err;
}

std::string CreateListeners(const std::vector<uint16_t>& ports, bool ephemeral,
                            std::vector<int>* fds, std::vector<uint16_t>* bound_ports) {
  for (uint16_t port : ports) {
    std::string where = "listen on 127.0.0.1:" + std::to_string(ephemeral ? 0 : port);
    int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return ErrnoText("socket");
    fds->push_back(sock);  // the caller closes all of them, also on failure
    int one = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(ephemeral ? 0 : port);
    if (::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
      return ErrnoText(where);
    }
    if (::listen(sock, 64) < 0) return ErrnoText(where);
    socklen_t len = sizeof(addr);
    if (::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
      return ErrnoText("getsockname");
    }
    bound_ports->push_back(ntohs(addr.sin_port));
  }
  return "";
}

}  // namespace kumo::sandbox::helper
