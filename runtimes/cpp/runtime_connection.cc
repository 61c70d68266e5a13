#include "runtime_connection.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace kumo::lambda::internal {
namespace {

std::string Errno(std::string_view what) {
  return std::string(what) + ": " + strerror(errno);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view RuntimeConnection::Response::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

RuntimeConnection::RuntimeConnection(std::string address) : address_(std::move(address)) {}

RuntimeConnection::~RuntimeConnection() { Close(); }

void RuntimeConnection::Close() {
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  buffer_.clear();
}

bool RuntimeConnection::Connect(std::string* error) {
  size_t colon = address_.rfind(':');
  if (colon == std::string::npos) {
    *error = "bad AWS_LAMBDA_RUNTIME_API '" + address_ + "': want host:port";
    return false;
  }
  std::string host = address_.substr(0, colon);
  int port = std::atoi(address_.c_str() + colon + 1);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(*v6);
  } else {
    *error = "bad AWS_LAMBDA_RUNTIME_API host '" + host + "': want a numeric address";
    return false;
  }
  fd_ = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *error = Errno("socket");
    return false;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  while (connect(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    if (errno == EINTR) continue;
    *error = Errno("connect " + address_);
    Close();
    return false;
  }
  return true;
}

bool RuntimeConnection::Request(std::string_view method, std::string_view path,
                                std::string_view extra_headers, std::string_view body,
                                Response* response, std::string* error) {
  std::string head;
  head.reserve(128 + path.size() + extra_headers.size());
  head.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(address_);
  head.append("\r\n").append(extra_headers).append("Content-Length: ");
  head.append(std::to_string(body.size())).append("\r\n\r\n");
  bool reused = fd_ >= 0;
  bool nothing_received = false;
  if (Exchange(head, body, response, error, &nothing_received)) return true;
  // An idle kept-alive connection the server closed shows up as EOF/EPIPE before any reply.
  if (!reused || !nothing_received) return false;
  return Exchange(head, body, response, error, &nothing_received);
}

bool RuntimeConnection::Exchange(std::string_view head, std::string_view body,
                                 Response* response, std::string* error,
                                 bool* nothing_received) {
  *nothing_received = true;
  error->clear();
  if (fd_ < 0 && !Connect(error)) return false;
  bool sent = body.size() < 65536 ? SendAll(std::string(head).append(body), error)
                                  : SendAll(head, error) && SendAll(body, error);
  if (!sent) {
    Close();
    return false;
  }
  std::string status_line;
  if (!ReadLine(&status_line, error)) {
    Close();
    return false;
  }
  *nothing_received = false;
  size_t space = status_line.find(' ');
  response->status = space == std::string::npos ? 0 : std::atoi(status_line.c_str() + space + 1);
  response->headers.clear();
  for (std::string line; ReadLine(&line, error) && !line.empty();) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string_view view(line);
    response->headers.emplace_back(Lower(Trim(view.substr(0, colon))),
                                   std::string(Trim(view.substr(colon + 1))));
  }
  if (!error->empty() || !ReadBody(response, error)) {
    Close();
    return false;
  }
  if (Lower(response->Header("connection")) == "close") Close();
  return true;
}

bool RuntimeConnection::ReadBody(Response* response, std::string* error) {
  response->body.clear();
  if (Lower(response->Header("transfer-encoding")) == "chunked") {
    for (std::string line;;) {
      if (!ReadLine(&line, error)) return false;
      size_t size = std::strtoul(line.c_str(), nullptr, 16);
      if (size == 0) {
        while (ReadLine(&line, error) && !line.empty()) {  // trailers
        }
        return error->empty();
      }
      while (buffer_.size() < size + 2) {
        if (!Fill(error)) return false;
      }
      response->body.append(buffer_, 0, size);
      buffer_.erase(0, size + 2);
    }
  }
  size_t length = std::strtoul(std::string(response->Header("content-length")).c_str(),
                               nullptr, 10);
  while (buffer_.size() < length) {
    if (!Fill(error)) return false;
  }
  response->body.assign(buffer_, 0, length);
  buffer_.erase(0, length);
  return true;
}

bool RuntimeConnection::SendAll(std::string_view data, std::string* error) {
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = Errno("send to Runtime API");
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RuntimeConnection::Fill(std::string* error) {
  char chunk[65536];
  for (;;) {
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    *error = n == 0 ? "Runtime API closed the connection" : Errno("recv from Runtime API");
    return false;
  }
}

bool RuntimeConnection::ReadLine(std::string* line, std::string* error) {
  size_t end;
  while ((end = buffer_.find("\r\n")) == std::string::npos) {
    if (!Fill(error)) return false;
  }
  line->assign(buffer_, 0, end);
  buffer_.erase(0, end + 2);
  return true;
}

}  // namespace kumo::lambda::internal
