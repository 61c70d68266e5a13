#include "net/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>

namespace kumo::net {
namespace {

// Sends raw bytes to 127.0.0.1:port and reads until the peer closes or `until` appears.
std::string RoundTrip(uint16_t port, const std::string& request, const std::string& until) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return "connect failed";
  send(fd, request.data(), request.size(), 0);
  std::string out;
  char buf[4096];
  while (out.find(until) == std::string::npos) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, n);
  }
  close(fd);
  return out;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpHandler handler, HttpServerOptions options = {}) {
    auto server = HttpServer::Listen(loop_, "127.0.0.1", 0, std::move(handler), options);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server.value());
    thread_ = std::thread([this] { loop_.Run(); });
  }
  void TearDown() override {
    loop_.Post([this] {
      server_.reset();
      loop_.Stop();
    });
    if (thread_.joinable()) thread_.join();
  }
  EventLoop loop_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, AnswersWithHandlerResponseAndParsesRequest) {
  StartServer([](HttpRequest&& req, Responder respond) {
    HttpResponse r = HttpResponse::Json(201, req.method + " " + req.path + " q=" +
                                                 req.QueryParam("a b") + " body=" + req.body +
                                                 " h=" + std::string(req.Header("x-test")));
    respond(std::move(r));
  });
  std::string reply = RoundTrip(server_->port(),
                                "POST /p%20x?a%20b=c+d&z=1 HTTP/1.1\r\nHost: x\r\nX-Test: yes\r\n"
                                "Content-Length: 3\r\nConnection: close\r\n\r\nabc",
                                "h=yes");
  EXPECT_NE(reply.find("HTTP/1.1 201"), std::string::npos) << reply;
  EXPECT_NE(reply.find("POST /p x q=c d body=abc h=yes"), std::string::npos) << reply;
}

TEST_F(HttpServerTest, DeferredResponderAnswersLater) {
  std::shared_ptr<Responder> held = std::make_shared<Responder>();
  StartServer([&](HttpRequest&& req, Responder respond) {
    if (req.path == "/wait") {
      *held = std::move(respond);
      return;
    }
    if (!*held) {
      respond(HttpResponse::Json(200, "not yet"));
      return;
    }
    (*held)(HttpResponse::Json(200, "released"));
    respond(HttpResponse::Json(200, "ok"));
  });
  std::string waited;
  std::thread waiter([&] {
    waited = RoundTrip(server_->port(), "GET /wait HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                       "released");
  });
  // The second request is only sent once the first is parked in the handler.
  while (true) {
    std::string r = RoundTrip(server_->port(),
                              "GET /go HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "}");
    if (r.find("\r\n\r\nok") != std::string::npos) break;
  }
  waiter.join();
  EXPECT_NE(waited.find("released"), std::string::npos) << waited;
}

TEST_F(HttpServerTest, OversizedBodyGets413) {
  HttpServerOptions options;
  options.max_body_bytes = 10;
  StartServer([](HttpRequest&&, Responder respond) { respond(HttpResponse::Json(200, "no")); },
              options);
  std::string reply = RoundTrip(
      server_->port(),
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'a'), "}");
  EXPECT_NE(reply.find("413"), std::string::npos) << reply;
}

TEST(PercentDecodeTest, DecodesAndKeepsInvalid) {
  EXPECT_EQ(PercentDecode("a%20b%zz%4"), "a b%zz%4");
}

}  // namespace
}  // namespace kumo::net
