#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kumo::lambda::internal {

// One kept-alive HTTP/1.1 connection to the Runtime API, written by hand on purpose: the protocol
// needs one request at a time with small Content-Length bodies, and a packaged client (libcurl)
// would add a shared-library load and its own start-up to every cold start of every bootstrap.
// This one costs a socket() and a connect(). Used by Run's single thread only.
class RuntimeConnection {
 public:
  struct Response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;

    // The header's value, or "" when absent.
    std::string_view Header(std::string_view lower_name) const;
  };

  // `address` is "host:port" as in AWS_LAMBDA_RUNTIME_API; host is a numeric IPv4 address,
  // a bracketed IPv6 address or "localhost" (no DNS, so the binary can link statically).
  explicit RuntimeConnection(std::string address);
  ~RuntimeConnection();
  RuntimeConnection(const RuntimeConnection&) = delete;
  RuntimeConnection& operator=(const RuntimeConnection&) = delete;

  // Sends one request and reads the whole response. On a reused connection that the server has
  // closed meanwhile, reconnects once. Returns false with `*error` set on failure.
  bool Request(std::string_view method, std::string_view path, std::string_view extra_headers,
               std::string_view body, Response* response, std::string* error);

 private:
  bool Connect(std::string* error);
  void Close();
  bool Exchange(std::string_view head, std::string_view body, Response* response,
                std::string* error, bool* nothing_received);
  bool SendAll(std::string_view data, std::string* error);
  bool Fill(std::string* error);  // reads more bytes into buffer_; false on EOF or error
  bool ReadLine(std::string* line, std::string* error);
  bool ReadBody(Response* response, std::string* error);

  std::string address_;
  int fd_ = -1;
  std::string buffer_;  // received bytes not yet consumed
};

}  // namespace kumo::lambda::internal
