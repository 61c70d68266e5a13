#include "net/http_client_connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>

#include "net/http_server.h"

namespace kumo::net {
namespace {

UniqueFd NewSocket() {
  return UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
}

// Runs the loop on the test thread until a test step calls Stop (or 10 s pass).
class HttpClientConnectionTest : public ::testing::Test {
 protected:
  void StartServer(HttpHandler handler, HttpServerOptions options = {}) {
    auto server = HttpServer::Listen(loop_, "127.0.0.1", 0, std::move(handler), options);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server.value());
  }
  void Run() {
    auto guard = loop_.NewTimer();
    guard->Start(std::chrono::seconds(10), [this] {
      timed_out_ = true;
      loop_.Stop();
    });
    loop_.Run();
    ASSERT_FALSE(timed_out_);
  }
  std::unique_ptr<HttpClientConnection> ConnectOrFail() {
    std::unique_ptr<HttpClientConnection> conn;
    HttpClientConnection::Connect(loop_, NewSocket(), "127.0.0.1", server_->port(),
                                  [&](Result<std::unique_ptr<HttpClientConnection>> r) {
                                    if (r.ok()) conn = std::move(r.value());
                                    loop_.Stop();
                                  });
    Run();
    return conn;
  }
  EventLoop loop_;
  std::unique_ptr<HttpServer> server_;
  bool timed_out_ = false;
};

TEST_F(HttpClientConnectionTest, SendsRequestsAndKeepsTheConnection) {
  std::vector<std::string> peers_seen;
  StartServer([&](HttpRequest&& req, Responder respond) {
    HttpResponse r;
    r.status = 418;
    r.headers.emplace_back("X-Seen", req.method + " " + req.target + " " +
                                         std::string(req.Header("x-custom")) +
                                         " conn=" + std::string(req.Header("connection")) + ";");
    r.headers.emplace_back("Content-Type", "text/plain");
    r.body = "got:" + req.body;
    respond(std::move(r));
  });
  auto conn = ConnectOrFail();
  ASSERT_TRUE(conn);
  for (int i = 0; i < 2; ++i) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/echo?x=" + std::to_string(i);
    req.headers = {{"X-Custom", "yes"}, {"Connection", "upgrade"}, {"Content-Length", "999"}};
    req.body = "hello" + std::to_string(i);
    std::optional<Result<HttpResponse>> got;
    conn->Send(req, [&](Result<HttpResponse> r) {
      got = std::move(r);
      loop_.Stop();
    });
    Run();
    ASSERT_TRUE(got.has_value());
    ASSERT_TRUE(got->ok()) << got->error().message;
    EXPECT_EQ((*got)->status, 418);
    EXPECT_EQ((*got)->body, "got:hello" + std::to_string(i));
    // The hop-by-hop Connection header was not forwarded; the body length was recomputed.
    EXPECT_EQ(FindHeader((*got)->headers, "x-seen"),
              "POST /echo?x=" + std::to_string(i) + " yes conn=;");
    EXPECT_EQ(FindHeader((*got)->headers, "content-type"), "text/plain");
    EXPECT_EQ(FindHeader((*got)->headers, "content-length"), "");
    EXPECT_TRUE(conn->is_open());
  }
}

TEST_F(HttpClientConnectionTest, ConnectionCloseFromServerMarksItClosed) {
  // A bare HTTP/1.0-style server (as Python's http.server is) that answers once and closes.
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  socklen_t len = sizeof(addr);
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::thread server([listener] {
    int c = ::accept(listener, nullptr, nullptr);
    std::string got;
    char buf[1024];
    while (got.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::read(c, buf, sizeof(buf));
      if (n <= 0) break;
      got.append(buf, n);
    }
    std::string reply = "HTTP/1.0 200 OK\r\nServer: raw\r\n\r\nbye";
    (void)!::write(c, reply.data(), reply.size());
    ::close(c);
  });
  std::unique_ptr<HttpClientConnection> conn;
  HttpClientConnection::Connect(loop_, NewSocket(), "127.0.0.1", ntohs(addr.sin_port),
                                [&](Result<std::unique_ptr<HttpClientConnection>> r) {
                                  if (r.ok()) conn = std::move(r.value());
                                  loop_.Stop();
                                });
  Run();
  ASSERT_TRUE(conn);
  HttpRequest req;
  req.method = "GET";
  req.target = "/";
  std::optional<Result<HttpResponse>> got;
  conn->Send(req, [&](Result<HttpResponse> r) {
    got = std::move(r);
    loop_.Stop();
  });
  Run();
  server.join();
  ::close(listener);
  ASSERT_TRUE(got.has_value() && got->ok());
  EXPECT_EQ((*got)->body, "bye");  // a body that ends with the connection
  EXPECT_EQ(FindHeader((*got)->headers, "server"), "raw");
  EXPECT_FALSE(conn->is_open());
  bool failed = false;
  conn->Send(req, [&](Result<HttpResponse> r) { failed = !r.ok(); });
  EXPECT_TRUE(failed);
}

TEST_F(HttpClientConnectionTest, ServerGoingAwayMidRequestIsAnError) {
  StartServer([this](HttpRequest&&, Responder) {
    // Never answers; the server closes every connection instead.
    loop_.Post([this] { server_->CloseAll(); });
  });
  auto conn = ConnectOrFail();
  ASSERT_TRUE(conn);
  HttpRequest req;
  req.method = "GET";
  req.target = "/";
  std::optional<Result<HttpResponse>> got;
  conn->Send(req, [&](Result<HttpResponse> r) {
    got = std::move(r);
    loop_.Stop();
  });
  Run();
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->ok());
  EXPECT_FALSE(conn->is_open());
}

TEST_F(HttpClientConnectionTest, ConnectToAPortNobodyListensOnFails) {
  StartServer([](HttpRequest&&, Responder) {});
  uint16_t port = server_->port();
  server_.reset();  // the port is free again
  std::optional<Result<std::unique_ptr<HttpClientConnection>>> got;
  HttpClientConnection::Connect(loop_, NewSocket(), "127.0.0.1", port,
                                [&](Result<std::unique_ptr<HttpClientConnection>> r) {
                                  got = std::move(r);
                                  loop_.Stop();
                                });
  Run();
  ASSERT_TRUE(got.has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_NE(got->error().message.find("refused"), std::string::npos) << got->error().message;
}

TEST_F(HttpClientConnectionTest, DestroyingTheConnectionMidRequestDropsTheCallback) {
  std::vector<Responder> held;
  StartServer([&](HttpRequest&&, Responder respond) { held.push_back(std::move(respond)); });
  auto conn = ConnectOrFail();
  ASSERT_TRUE(conn);
  HttpRequest req;
  req.method = "GET";
  req.target = "/";
  bool called = false;
  conn->Send(req, [&](Result<HttpResponse>) { called = true; });
  conn.reset();
  // Whatever the server does now (answer or close) must not reach the dropped callback.
  auto answer = loop_.NewTimer();
  answer->Start(std::chrono::milliseconds(50), [&] {
    for (auto& r : held) r(HttpResponse{});
    server_->CloseAll();
  });
  auto stop = loop_.NewTimer();
  stop->Start(std::chrono::milliseconds(150), [&] { loop_.Stop(); });
  Run();
  EXPECT_FALSE(called);
}

TEST_F(HttpClientConnectionTest, StreamedResponseArrivesBeforeTheServerEndsIt) {
  std::shared_ptr<BodyStream> produced;
  StartServer([&](HttpRequest&&, Responder respond) {
    HttpResponse r;
    r.headers.emplace_back("Content-Type", "text/event-stream");
    produced = r.body_stream = std::make_shared<BodyStream>();
    respond(std::move(r));
    produced->Push("data: first\n\n");
  });
  auto conn = ConnectOrFail();
  ASSERT_TRUE(conn);
  HttpRequest req;
  req.method = "GET";
  req.target = "/events";
  std::vector<std::string> seen;  // what arrived, with whether the server had ended it then
  std::shared_ptr<BodyStream> body;
  std::function<void()> pull = [&] {
    body->Pull([&](BodyStream::Piece piece) {
      seen.push_back(piece.data + (produced->closed() ? "|ended" : "|open") +
                     (piece.end ? "|end" : ""));
      if (piece.end || piece.error) return;
      // The client saw the first event: only now does the server write the second.
      if (!produced->closed()) {
        produced->Push("data: second\n\n");
        produced->End();
      }
      pull();
    });
  };
  std::optional<Status> ended;
  conn->SendStreaming(
      req,
      [&](Result<HttpResponse> head) {
        ASSERT_TRUE(head.ok()) << head.error().message;
        EXPECT_EQ(FindHeader(head->headers, "content-type"), "text/event-stream");
        EXPECT_EQ(FindHeader(head->headers, "transfer-encoding"), "");
        body = head->body_stream;
        ASSERT_TRUE(body);
        EXPECT_FALSE(body->length().has_value());
        pull();
      },
      [&](Status status) {
        ended = status;
        loop_.Stop();
      });
  Run();
  ASSERT_TRUE(ended.has_value());
  EXPECT_TRUE(ended->ok());
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.front(), "data: first\n\n|open");
  std::string rest;
  for (size_t i = 1; i < seen.size(); ++i) rest += seen[i];
  EXPECT_NE(rest.find("data: second\n\n"), std::string::npos) << rest;
  EXPECT_NE(rest.find("|end"), std::string::npos) << rest;
  EXPECT_TRUE(conn->is_open());
}

TEST_F(HttpClientConnectionTest, SendsAStreamedRequestBodyChunked) {
  HttpServerOptions options;
  options.stream_request_bodies = true;
  StartServer(
      [](HttpRequest&& req, Responder respond) {
        std::string te(req.Header("transfer-encoding"));
        if (!req.body_stream) return respond(HttpResponse::Json(500, "not streamed"));
        CollectBody(req.body_stream, 1 << 20, [respond, te](Result<std::string> body) {
          HttpResponse r;
          r.body = te + " " +
                   (body.ok() ? std::to_string(body->size()) + body->front() + body->back() : "?");
          respond(std::move(r));
        });
      },
      options);
  auto conn = ConnectOrFail();
  ASSERT_TRUE(conn);
  HttpRequest req;
  req.method = "POST";
  req.target = "/upload";
  req.body_stream = std::make_shared<BodyStream>();
  std::optional<Result<HttpResponse>> got;
  conn->Send(req, [&](Result<HttpResponse> r) {
    got = std::move(r);
    loop_.Stop();
  });
  for (char c : std::string("abc")) req.body_stream->Push(std::string(100 * 1024, c));
  req.body_stream->End();
  Run();
  ASSERT_TRUE(got.has_value() && got->ok());
  EXPECT_EQ((*got)->body, "chunked 307200ac");
}

TEST_F(HttpClientConnectionTest, AbortingTheResponseClosesTheConnectionAndReachesTheServer) {
  std::shared_ptr<BodyStream> produced;
  bool server_saw_abort = false;
  std::optional<Status> ended;
  StartServer([&](HttpRequest&&, Responder respond) {
    HttpResponse r;
    produced = r.body_stream = std::make_shared<BodyStream>();
    produced->OnAbort([&] {
      server_saw_abort = true;
      if (ended) loop_.Stop();
    });
    respond(std::move(r));
    produced->Push("endless");
  });
  auto conn = ConnectOrFail();
  ASSERT_TRUE(conn);
  HttpRequest req;
  req.method = "GET";
  req.target = "/";
  conn->SendStreaming(
      req,
      [&](Result<HttpResponse> head) {
        ASSERT_TRUE(head.ok());
        auto body = head->body_stream;
        body->Pull([body](BodyStream::Piece) { body->Abort(); });
      },
      [&](Status status) {
        ended = status;
        if (server_saw_abort) loop_.Stop();
      });
  Run();
  ASSERT_TRUE(ended.has_value());
  EXPECT_FALSE(ended->ok());
  EXPECT_FALSE(conn->is_open());
  EXPECT_TRUE(server_saw_abort);
}

TEST(IsHopByHopHeader, KnowsTheList) {
  EXPECT_TRUE(IsHopByHopHeader("Connection"));
  EXPECT_TRUE(IsHopByHopHeader("transfer-encoding"));
  EXPECT_FALSE(IsHopByHopHeader("Content-Type"));
  EXPECT_FALSE(IsHopByHopHeader("X-Custom"));
}

}  // namespace
}  // namespace kumo::net
