#include "sandbox/netns_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

namespace kumo::sandbox {
namespace {

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A listener on 127.0.0.1:port (0 = any free port) in the calling process's namespace.
int Listen(uint16_t port, uint16_t* bound) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a = Loopback(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(fd, 8) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  if (bound) *bound = ntohs(a.sin_port);
  return fd;
}

// Connects a non-blocking socket, waiting up to 2 s; returns 0 or the errno.
int ConnectWait(int fd, uint16_t port) {
  sockaddr_in a = Loopback(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, 2000) != 1) return ETIMEDOUT;
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err;
}

// A child process in a fresh network namespace (loopback up) that listens on `port` and writes
// "n" to every connection it accepts. Killed and reaped on destruction.
class NamespaceChild {
 public:
  explicit NamespaceChild(uint16_t port) {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      if (unshare(CLONE_NEWNET) != 0) _exit(2);
      int s = ::socket(AF_INET, SOCK_DGRAM, 0);
      ifreq ifr{};
      std::strcpy(ifr.ifr_name, "lo");
      ioctl(s, SIOCGIFFLAGS, &ifr);
      ifr.ifr_flags |= IFF_UP;
      if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) _exit(3);
      int listener = Listen(port, nullptr);
      if (listener < 0) _exit(4);
      if (::write(ready[1], "r", 1) != 1) _exit(5);
      while (true) {
        int c = ::accept(listener, nullptr, nullptr);
        if (c >= 0) {
          (void)!::write(c, "n", 1);
          ::close(c);
        }
      }
    }
    ::close(ready[1]);
    char byte = 0;
    ok_ = pid_ > 0 && ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
  }
  ~NamespaceChild() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ok() const { return ok_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool ok_ = false;
};

TEST(SocketInNetworkOf, ReachesListenersOfThatNamespaceOnly) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
  uint16_t shared_port = 0;
  uint16_t host_only_port = 0;
  int host_shared = Listen(0, &shared_port);
  int host_only = Listen(0, &host_only_port);
  ASSERT_GE(host_shared, 0);
  ASSERT_GE(host_only, 0);
  {
    // The child listens on the same port number as a host listener, in its own namespace.
    NamespaceChild child(shared_port);
    ASSERT_TRUE(child.ok());

    auto sock = SocketInNetworkOf(child.pid());
    ASSERT_TRUE(sock.ok()) << sock.error().message;
    EXPECT_TRUE(fcntl(sock->get(), F_GETFL) & O_NONBLOCK);
    EXPECT_TRUE(fcntl(sock->get(), F_GETFD) & FD_CLOEXEC);
    ASSERT_EQ(ConnectWait(sock->get(), shared_port), 0);
    pollfd p{sock->get(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 2000), 1);
    char byte = 0;
    ASSERT_EQ(::read(sock->get(), &byte, 1), 1);
    EXPECT_EQ(byte, 'n');  // the namespace's listener answered, not the host's

    auto other = SocketInNetworkOf(child.pid());
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(ConnectWait(other->get(), host_only_port), ECONNREFUSED);
  }
  ::close(host_shared);
  ::close(host_only);
}

TEST(SocketInNetworkOf, FailsForAProcessThatDoesNotExist) {
  auto sock = SocketInNetworkOf(0x3fffffff);
  ASSERT_FALSE(sock.ok());
  EXPECT_NE(sock.error().message.find("/proc/"), std::string::npos);
}

}  // namespace
}  // namespace kumo::sandbox
