#include "net/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <future>
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

// A connected blocking socket to 127.0.0.1:port, or -1.
int ConnectTo(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
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

// Pushes `total` bytes into `stream` as fast as it takes them, recording how far the producer
// got ahead of what the reader had received. Loop thread.
struct Producer : std::enable_shared_from_this<Producer> {
  std::shared_ptr<BodyStream> stream;
  uint64_t total = 0;
  std::string piece = std::string(64 * 1024, 'x');
  const std::atomic<uint64_t>* received = nullptr;
  uint64_t max_ahead = 0;
  int waits = 0;

  void Fill() {
    while (!stream->Full() && stream->pushed_bytes() < total) {
      stream->Push(piece);
      uint64_t ahead = stream->pushed_bytes() - received->load();
      if (ahead > max_ahead) max_ahead = ahead;
    }
    if (stream->pushed_bytes() >= total) return stream->End();
    ++waits;
    stream->WhenWritable([self = shared_from_this()] {
      if (!self->stream->aborted()) self->Fill();
    });
  }
};

TEST_F(HttpServerTest, StreamedResponseKeepsTheProducerWithinBoundsOfASlowReader) {
  constexpr uint64_t kTotal = 200ull << 20;
  std::atomic<uint64_t> received{0};
  auto producer = std::make_shared<Producer>();
  producer->total = kTotal;
  producer->received = &received;
  StartServer([&](HttpRequest&&, Responder respond) {
    HttpResponse r;
    r.body_stream = producer->stream = std::make_shared<BodyStream>();
    respond(std::move(r));
    producer->Fill();
  });
  int fd = ConnectTo(server_->port());
  ASSERT_GE(fd, 0);
  std::string get = "GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  send(fd, get.data(), get.size(), 0);
  std::string head;
  std::string tail;
  std::vector<char> buf(64 * 1024);
  while (true) {
    ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    if (head.size() < 200) head.append(buf.data(), std::min<size_t>(n, 200));
    tail.append(buf.data(), n);
    if (tail.size() > 64) tail.erase(0, tail.size() - 64);
    received += n;
  }
  close(fd);
  EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
  EXPECT_EQ(tail.substr(tail.size() - 5), "0\r\n\r\n");
  // Every byte arrived (plus headers and chunk framing).
  EXPECT_GE(received.load(), kTotal);
  EXPECT_LT(received.load(), kTotal + kTotal / 100);
  // The server only pulled as fast as the reader read: kumo never held more than the stream's
  // high water, a piece being written and the sockets' buffers.
  EXPECT_GT(producer->waits, 0);
  EXPECT_LT(producer->max_ahead, 24ull << 20);
}

TEST_F(HttpServerTest, StreamedResponseWithLengthIsSentAsIs) {
  StartServer([&](HttpRequest&&, Responder respond) {
    HttpResponse r;
    r.body_stream = std::make_shared<BodyStream>(11);
    auto stream = r.body_stream;
    respond(std::move(r));
    stream->Push("hello ");
    stream->Push("world");
    stream->End();
  });
  std::string reply = RoundTrip(server_->port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "world");
  EXPECT_NE(reply.find("Content-Length: 11\r\n"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("chunked"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.size() - 15), "\r\n\r\nhello world") << reply;
}

TEST_F(HttpServerTest, ClientLeavingMidStreamAbortsTheProducer) {
  std::promise<void> aborted;
  std::shared_ptr<BodyStream> stream;
  StartServer([&](HttpRequest&&, Responder respond) {
    HttpResponse r;
    stream = r.body_stream = std::make_shared<BodyStream>();
    stream->OnAbort([&] { aborted.set_value(); });
    respond(std::move(r));
    stream->Push("data: first\n\n");  // and then nothing more until the client is gone
  });
  std::string reply = RoundTrip(server_->port(), "GET /events HTTP/1.1\r\nHost: x\r\n\r\n",
                                "data: first\n\n");
  ASSERT_NE(reply.find("data: first"), std::string::npos) << reply;
  // RoundTrip closed its socket: the idle stream learns it without another write.
  EXPECT_EQ(aborted.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST_F(HttpServerTest, StreamsChunkedRequestBodiesWhenAsked) {
  HttpServerOptions options;
  options.max_body_bytes = 10;  // applies to buffered bodies only
  options.stream_request_bodies = true;
  StartServer(
      [](HttpRequest&& req, Responder respond) {
        if (!req.body_stream) return respond(HttpResponse::Json(200, "buffered:" + req.body));
        CollectBody(req.body_stream, 1 << 20, [respond](Result<std::string> body) {
          respond(HttpResponse::Json(200, body.ok() ? "streamed:" + *body : "error"));
        });
      },
      options);
  std::string chunked = RoundTrip(server_->port(),
                                  "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                  "Connection: close\r\n\r\n"
                                  "5\r\nhello\r\n10\r\n, chunked world!\r\n0\r\n\r\n",
                                  "world!");
  EXPECT_NE(chunked.find("streamed:hello, chunked world!"), std::string::npos) << chunked;
  std::string small = RoundTrip(server_->port(),
                                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                "Connection: close\r\n\r\nabc",
                                "abc");
  EXPECT_NE(small.find("buffered:abc"), std::string::npos) << small;
}

TEST(BodyStreamTest, PullsWhatIsQueuedAndSignalsRoomAndAborts) {
  BodyStream stream(std::nullopt, /*high_water=*/4);
  std::vector<BodyStream::Piece> pieces;
  stream.Push("ab");
  EXPECT_FALSE(stream.Full());
  stream.Push("cd");
  EXPECT_TRUE(stream.Full());
  bool writable = false;
  stream.WhenWritable([&] { writable = true; });
  EXPECT_FALSE(writable);
  stream.Pull([&](BodyStream::Piece p) { pieces.push_back(std::move(p)); });
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0].data, "abcd");
  EXPECT_TRUE(writable);
  stream.Pull([&](BodyStream::Piece p) { pieces.push_back(std::move(p)); });
  EXPECT_EQ(pieces.size(), 1u);  // nothing queued: waits
  stream.Push("e");
  stream.End();
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[1].data, "e");
  stream.Pull([&](BodyStream::Piece p) { pieces.push_back(std::move(p)); });
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_TRUE(pieces[2].end);

  BodyStream aborted;
  bool told = false;
  aborted.OnAbort([&] { told = true; });
  aborted.Abort();
  EXPECT_TRUE(told);
  aborted.Push("dropped");
  EXPECT_EQ(aborted.queued_bytes(), 0u);
}

TEST(PercentDecodeTest, DecodesAndKeepsInvalid) {
  EXPECT_EQ(PercentDecode("a%20b%zz%4"), "a b%zz%4");
}

}  // namespace
}  // namespace kumo::net
