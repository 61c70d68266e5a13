#include "sandbox/helper_protocol.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "common/sys_error.h"

namespace kumo::sandbox {
namespace {

constexpr size_t kMaxFds = 64;

}  // namespace

std::string FormatOkReply(const HelperReply& reply) {
  std::string text = "OK ";
  text += std::to_string(reply.main_pid);
  text += reply.has_pidfd ? " 1" : " 0";
  for (uint16_t p : reply.ports) {
    text += ' ';
    text += std::to_string(p);
  }
  return text;
}

std::string FormatErrorReply(const std::string& message) { return "ERR " + message; }

Result<HelperReply> ParseReply(const std::string& text) {
  if (text.compare(0, 4, "ERR ") == 0) return MakeError(ErrorCode::kUnavailable, text.substr(4));
  std::istringstream in(text);
  std::string tag;
  long pid = 0;
  int has_pidfd = 0;
  if (!(in >> tag >> pid >> has_pidfd) || tag != "OK" || pid <= 0 || has_pidfd < 0 ||
      has_pidfd > 1) {
    return MakeError(ErrorCode::kInternal, "sandbox helper sent a bad reply: '" + text + "'");
  }
  HelperReply reply;
  reply.main_pid = static_cast<pid_t>(pid);
  reply.has_pidfd = has_pidfd == 1;
  long port;
  while (in >> port) {
    if (port <= 0 || port > 65535) {
      return MakeError(ErrorCode::kInternal, "sandbox helper sent a bad port: '" + text + "'");
    }
    reply.ports.push_back(static_cast<uint16_t>(port));
  }
  return reply;
}

std::string EncodeArgs(const std::vector<std::string>& args) {
  std::string text;
  for (const std::string& a : args) {
    text += a;
    text.push_back('\0');
  }
  return text;
}

std::optional<std::vector<std::string>> DecodeArgs(const std::string& text) {
  if (!text.empty() && text.back() != '\0') return std::nullopt;
  std::vector<std::string> args;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

int SendWithFds(int sock, const std::string& text, const std::vector<int>& fds) {
  if (fds.size() > kMaxFds) return EINVAL;
  iovec iov{const_cast<char*>(text.data()), text.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
  }
  while (::sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

Result<Received> ReceiveWithFds(int sock, int timeout_ms, size_t max_bytes) {
  pollfd pfd{sock, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) return SysError("poll sandbox helper socket");
  if (ready == 0) return MakeError(ErrorCode::kUnavailable, "sandbox helper did not reply in time");
  std::string buf(max_bytes, '\0');
  iovec iov{buf.data(), buf.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return SysError("recvmsg sandbox helper socket");
  Received out;
  buf.resize(static_cast<size_t>(n));
  out.text = std::move(buf);
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      out.fds.emplace_back(fd);
    }
  }
  if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) {
    return MakeError(ErrorCode::kInternal, "sandbox helper reply was truncated");
  }
  return out;
}

}  // namespace kumo::sandbox
