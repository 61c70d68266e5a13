#include "net/http_types.h"

#include <strings.h>

namespace kumo::net {

std::string_view FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return {};
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string HttpRequest::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (PercentDecode(key) == name) {
      std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      for (char& c : value) {
        if (c == '+') c = ' ';
      }
      return PercentDecode(value);
    }
  }
  return {};
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

}  // namespace kumo::net

namespace kumo::net {

void BodyStream::Push(std::string data) {
  if (closed() || aborted_ || data.empty()) return;
  pushed_ += data.size();
  if (queued_.empty()) {
    queued_ = std::move(data);
  } else {
    queued_.append(data);
  }
  Deliver();
}

void BodyStream::End() {
  if (closed() || aborted_) return;
  ended_ = true;
  writable_ = nullptr;  // the producer is done waiting
  Deliver();
}

void BodyStream::Fail(std::string why) {
  if (closed() || aborted_) return;
  error_ = std::move(why);
  writable_ = nullptr;
  Deliver();
}

void BodyStream::WhenWritable(std::function<void()> fn) {
  if (!Full() || aborted_) {
    fn();
    return;
  }
  writable_ = std::move(fn);
}

void BodyStream::OnAbort(std::function<void()> fn) {
  if (aborted_) {
    fn();
    return;
  }
  on_abort_ = std::move(fn);
}

void BodyStream::Pull(std::function<void(Piece)> fn) {
  puller_ = std::move(fn);
  Deliver();
}

void BodyStream::Abort() {
  if (aborted_) return;
  aborted_ = true;
  puller_ = nullptr;
  queued_.clear();
  queued_.shrink_to_fit();
  // Moved out first: the callbacks may set new ones or release the producer's reference.
  auto writable = std::move(writable_);
  writable_ = nullptr;
  auto on_abort = std::move(on_abort_);
  on_abort_ = nullptr;
  if (on_abort) on_abort();
  if (writable) writable();
}

void BodyStream::Deliver() {
  if (!puller_ || aborted_) return;
  if (queued_.empty() && !closed()) return;
  if (delivered_end_) return;
  Piece piece;
  piece.data = std::move(queued_);
  queued_.clear();
  if (error_) {
    piece.error = error_;
    delivered_end_ = true;
  } else if (ended_) {
    piece.end = true;
    delivered_end_ = true;
  }
  auto fn = std::move(puller_);
  puller_ = nullptr;
  NotifyWritable();
  fn(std::move(piece));
}

void BodyStream::NotifyWritable() {
  if (!writable_ || Full()) return;
  auto fn = std::move(writable_);
  writable_ = nullptr;
  fn();
}

void CollectBody(std::shared_ptr<BodyStream> stream, uint64_t limit,
                 std::function<void(Result<std::string>)> done) {
  struct Collector : std::enable_shared_from_this<Collector> {
    std::shared_ptr<BodyStream> stream;
    uint64_t limit = 0;
    std::string body;
    std::function<void(Result<std::string>)> done;

    void Next() {
      stream->Pull([self = shared_from_this()](BodyStream::Piece piece) {
        self->body.append(piece.data);
        if (self->body.size() > self->limit) {
          self->stream->Abort();
          return self->done(MakeError(ErrorCode::kTooLarge,
                                      "body larger than " + std::to_string(self->limit) +
                                          " bytes"));
        }
        if (piece.error) return self->done(MakeError(ErrorCode::kUnavailable, *piece.error));
        if (piece.end) return self->done(std::move(self->body));
        self->Next();
      });
    }
  };
  auto collector = std::make_shared<Collector>();
  collector->stream = std::move(stream);
  collector->limit = limit;
  collector->done = std::move(done);
  collector->Next();
}

}  // namespace kumo::net
