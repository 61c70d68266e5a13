# A plain HTTP server as an http-runtime function: kumo starts it, waits until $PORT answers and
# forwards requests to it unchanged, streaming bodies both ways. Any path ending in /echo echoes
# a POST body; /teapot shows a custom status and header; /events sends Server-Sent Events as
# they happen; /download?mb=N streams N MiB with a Content-Length; /digest reads an upload
# (chunked or not) and answers its length and sha256; anything else says hello with this
# process's id (to see scale-out).
import hashlib
import json
import os
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

INSTANCE = uuid.uuid4().hex  # one per process: tells instances apart


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as kumo's client asks

    def send(self, status, body, content_type="application/json", extra=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def events(self):
        # The response stays open between the two events; kumo passes each on as it comes.
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.write_chunk(b"event: tick\ndata: first\n\n")
        time.sleep(1.5)
        self.write_chunk(b"event: tick\ndata: second\n\n")
        self.write_chunk(b"")

    def download(self, mebibytes):
        # The k-th 64 KiB piece is sha256(str(k)) repeated, so a client can check every byte.
        pieces = mebibytes * 16
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(pieces * 65536))
        self.end_headers()
        for k in range(pieces):
            self.wfile.write(hashlib.sha256(str(k).encode()).digest() * 2048)

    def body_pieces(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return
                yield self.rfile.read(size)
                self.rfile.readline()
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0:
            piece = self.rfile.read(min(left, 65536))
            if not piece:
                return
            left -= len(piece)
            yield piece

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.endswith("/events"):
            return self.events()
        if url.path.endswith("/download"):
            query = dict(p.split("=", 1) for p in url.query.split("&") if "=" in p)
            return self.download(int(query.get("mb", "1")))
        if url.path.endswith("/teapot"):
            return self.send(418, "short and stout", "text/plain", [("X-Teapot", "yes")])
        self.send(200, json.dumps({"hello": "from python", "instance": INSTANCE,
                                   "pid": os.getpid(), "path": url.path, "query": url.query,
                                   "method": "GET",
                                   "headers": {k.lower(): v for k, v in self.headers.items()}}))

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path.endswith("/digest"):
            digest, size = hashlib.sha256(), 0
            for piece in self.body_pieces():
                digest.update(piece)
                size += len(piece)
            chunked = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
            return self.send(200, json.dumps({"bytes": size, "sha256": digest.hexdigest(),
                                              "chunked": chunked}))
        body = b"".join(self.body_pieces())
        if url.path.endswith("/echo"):
            return self.send(200, body, self.headers.get("Content-Type") or "text/plain",
                             [("X-Instance", INSTANCE)])
        self.send(200, json.dumps({"hello": "from python", "instance": INSTANCE,
                                   "path": url.path, "method": "POST",
                                   "received": body.decode(errors="replace")}))

    def log_message(self, fmt, *args):
        print("%s %s" % (self.address_string(), fmt % args), flush=True)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8080"))
    print(f"listening on {port}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
