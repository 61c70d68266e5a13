# A plain HTTP server as an http-runtime function: kumo starts it, waits until $PORT answers and
# forwards requests to it unchanged. Any path ending in /echo echoes a POST body; /teapot shows a
# custom status and header; anything else says hello with this process's id (to see scale-out).
import json
import os
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

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.endswith("/teapot"):
            return self.send(418, "short and stout", "text/plain", [("X-Teapot", "yes")])
        self.send(200, json.dumps({"hello": "from python", "instance": INSTANCE,
                                   "pid": os.getpid(), "path": url.path, "query": url.query,
                                   "method": "GET",
                                   "headers": {k.lower(): v for k, v in self.headers.items()}}))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        url = urlsplit(self.path)
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
