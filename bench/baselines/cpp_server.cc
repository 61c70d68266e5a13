// The limit for a C++ function: the same no-op answer from a minimal single-threaded epoll
// HTTP/1.1 server with kept-alive connections. It parses only what a benchmark client sends
// (a request line, headers, a Content-Length body), which is all the floor needs.
// Prints "listening on PORT" once it accepts; SIGTERM or SIGINT stops it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <unordered_map>

namespace {

constexpr char kAnswer[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
    "{\"ok\":true}";

volatile sig_atomic_t stop = 0;

// Length of the first complete request in `buf`, or 0 if it has not all arrived yet.
size_t RequestLength(const std::string& buf) {
  size_t end = buf.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  size_t body = 0;
  size_t pos = buf.find('\n');
  while (pos != std::string::npos && pos < end) {
    const char* line = buf.c_str() + pos + 1;
    if (strncasecmp(line, "content-length:", 15) == 0) body = strtoul(line + 15, nullptr, 10);
    pos = buf.find('\n', pos + 1);
  }
  size_t total = end + 4 + body;
  return buf.size() >= total ? total : 0;
}

// Answers every complete request in `buf`; false when the peer is gone.
bool Serve(int fd, std::string& buf) {
  char chunk[16384];
  while (true) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buf.append(chunk, n);
      continue;
    }
    if (n == 0) return false;
    break;  // EAGAIN: all that has arrived is in buf
  }
  std::string out;
  while (size_t len = RequestLength(buf)) {
    out += kAnswer;
    buf.erase(0, len);
  }
  // Answers are tiny, so one write fits the socket buffer of a kept-alive connection.
  return out.empty() || write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size());
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa = {};
  sa.sa_handler = [](int) { stop = 1; };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(argc > 1 ? atoi(argv[1]) : 0);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t addr_len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 1024) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) {
    perror("cpp_server");
    return 1;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  printf("listening on %d\n", ntohs(addr.sin_port));
  fflush(stdout);

  std::unordered_map<int, std::string> buffers;
  epoll_event events[256];
  while (!stop) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listener) {
        int client;
        while ((client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          ev.events = EPOLLIN;
          ev.data.fd = client;
          epoll_ctl(ep, EPOLL_CTL_ADD, client, &ev);
          buffers[client];
        }
        continue;
      }
      if (!Serve(fd, buffers[fd])) {
        buffers.erase(fd);
        close(fd);  // also removes it from the epoll set
      }
    }
  }
  return 0;
}
