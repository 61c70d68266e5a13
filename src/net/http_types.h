#pragma once
// Plain HTTP request and response values that cross from the net library to its users, so that
// only src/net/ includes Beast.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace kumo::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A message body that arrives in pieces: one producer pushes data and then an end or an error,
// one consumer pulls it as it comes. It carries the bodies kumo passes on without holding them
// whole: an HTTP-server function's response on its way to the gateway's client, and a large or
// chunked upload on its way to the function. Flow control: the producer stops reading from its
// source while Full() and resumes when WhenWritable calls back, so a slow consumer holds the
// producer back instead of making kumo buffer the body. Either side may give up: Abort by the
// consumer runs the producer's OnAbort callback; Fail by the producer reaches the consumer as an
// error piece. Shared by its two sides (hence shared_ptr), loop thread only. Callbacks run
// synchronously inside the call that causes them.
class BodyStream {
 public:
  // What one Pull gets: everything queued so far, then (once) the end or an error.
  struct Piece {
    std::string data;
    bool end = false;                  // the body is complete after `data`
    std::optional<std::string> error;  // the body is broken; no more pieces come
  };
  static constexpr size_t kDefaultHighWater = 1 << 20;

  // `length`: the body's size when the sender announced it (Content-Length).
  explicit BodyStream(std::optional<uint64_t> length = std::nullopt,
                      size_t high_water = kDefaultHighWater)
      : length_(length), high_water_(high_water) {}
  BodyStream(const BodyStream&) = delete;
  BodyStream& operator=(const BodyStream&) = delete;

  // Producer side. Pushes after the end, an error or an abort are dropped.
  void Push(std::string data);
  void End();
  void Fail(std::string why);
  bool Full() const { return queued_.size() >= high_water_; }
  // Calls `fn` once, as soon as the stream is not Full() (at once if it is not), or aborted.
  void WhenWritable(std::function<void()> fn);
  // Calls `fn` once if the consumer gives up (at once if it already has).
  void OnAbort(std::function<void()> fn);
  bool aborted() const { return aborted_; }

  // Consumer side. Calls `fn` once, as soon as there is data, the end or an error (at once if
  // there is), with all that is queued. Only one Pull may wait at a time.
  void Pull(std::function<void(Piece)> fn);
  // The consumer will pull no more (its client went away): the producer should stop.
  void Abort();

  std::optional<uint64_t> length() const { return length_; }
  size_t queued_bytes() const { return queued_.size(); }
  // Bytes pushed so far.
  uint64_t pushed_bytes() const { return pushed_; }
  // The end or an error was pushed.
  bool closed() const { return ended_ || error_.has_value(); }

 private:
  void Deliver();
  void NotifyWritable();

  std::optional<uint64_t> length_;
  size_t high_water_;
  std::string queued_;
  uint64_t pushed_ = 0;
  bool ended_ = false;
  bool delivered_end_ = false;
  std::optional<std::string> error_;
  bool aborted_ = false;
  std::function<void(Piece)> puller_;
  std::function<void()> writable_;
  std::function<void()> on_abort_;
};

// Reads `stream` to its end into one string; an error, or more than `limit` bytes (which aborts
// the stream), is a failure: kTooLarge for the limit, kUnavailable otherwise.
void CollectBody(std::shared_ptr<BodyStream> stream, uint64_t limit,
                 std::function<void(Result<std::string>)> done);

// Case-insensitive lookup; empty when absent.
std::string_view FindHeader(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string, without '?'
  Headers headers;
  std::string body;
  // Set instead of `body` when the server streams this request's body (a large or chunked
  // upload, HttpServerOptions::stream_request_bodies): it arrives while the handler runs.
  std::shared_ptr<BodyStream> body_stream;
  std::string peer_ip;  // the client's address as the socket saw it

  std::string_view Header(std::string_view name) const { return FindHeader(headers, name); }
  // The decoded value of one query parameter, or empty.
  std::string QueryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the body comes from here instead of `body`, written as it arrives: with the
  // stream's length as Content-Length when known, chunked otherwise.
  std::shared_ptr<BodyStream> body_stream;

  static HttpResponse Json(int status, std::string body);
};

// Sends the response for one request. Call it exactly once, on the loop thread; calling it after
// the client went away is harmless.
using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest&&, Responder)>;

std::string PercentDecode(std::string_view text);

}  // namespace kumo::net
