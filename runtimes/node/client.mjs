// Client side of the Lambda Runtime API over one kept-alive HTTP/1.1 connection.
//
// Written on node:net rather than node:http: the http client's Agent, IncomingMessage streams and
// header objects cost tens of microseconds per request and the Runtime API needs none of it
// (one request at a time, small bodies with Content-Length). Chunked replies are understood too.
// Only the shim's main thread uses it; at most one request is in flight.
import net from 'node:net';

const PREFIX = '/2018-06-01/runtime/';
const CRLF2 = Buffer.from('\r\n\r\n');

export class RuntimeClient {
  constructor(address) {
    const colon = address.lastIndexOf(':');
    this.host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    this.port = Number(address.slice(colon + 1));
    this.hostHeader = `Host: ${address}\r\n`;
    this.socket = null;
    this.pending = null; // {resolve, reject, chunks, length, gotBytes}
  }

  async next() {
    const res = await this.request('GET', PREFIX + 'invocation/next');
    if (res.status !== 200) {
      throw new Error(`GET /invocation/next: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`);
    }
    return res;
  }

  postResponse(requestId, payload) {
    return this.post(`invocation/${requestId}/response`, payload, '');
  }

  postError(requestId, error) {
    return this.post(`invocation/${requestId}/error`, JSON.stringify(error), errorHeaders(error));
  }

  postInitError(error) {
    return this.post('init/error', JSON.stringify(error), errorHeaders(error));
  }

  async post(path, body, headers) {
    const res = await this.request('POST', PREFIX + path, body, headers);
    if (res.status >= 300) {
      // kumo refused (the invocation timed out meanwhile, say); the next /next still works.
      process.stderr.write(`kumo runtime: POST ${path}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}\n`);
    }
  }

  async request(method, path, body = '', headers = '') {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const head = `${method} ${path} HTTP/1.1\r\n${this.hostHeader}${headers}Content-Length: ${payload.length}\r\n\r\n`;
    const reused = this.socket !== null;
    try {
      return await this.exchange(head, payload);
    } catch (err) {
      // The server closed the idle connection before answering: retry once on a fresh one.
      if (!reused || !err.beforeReply) throw err;
      return this.exchange(head, payload);
    }
  }

  exchange(head, payload) {
    if (this.socket === null) this.connect();
    const socket = this.socket;
    socket.ref(); // keep the process alive while we wait for kumo
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, chunks: [], length: 0 };
      if (payload.length < 65536) {
        socket.write(Buffer.concat([Buffer.from(head, 'latin1'), payload]));
      } else {
        socket.write(head, 'latin1');
        socket.write(payload);
      }
    });
  }

  connect() {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk) => this.onData(chunk));
    const fail = (err) => {
      if (this.socket === socket) this.socket = null;
      socket.destroy();
      const p = this.pending;
      if (p === null) return;
      this.pending = null;
      const e = err || new Error('kumo closed the Runtime API connection');
      e.beforeReply = p.length === 0;
      p.reject(e);
    };
    socket.on('error', fail);
    socket.on('end', () => fail(null));
    socket.on('close', () => fail(null));
    this.socket = socket;
  }

  onData(chunk) {
    const p = this.pending;
    if (p === null) return; // nothing asked: ignore stray bytes
    p.chunks.push(chunk);
    p.length += chunk.length;
    const res = parseResponse(p.chunks.length === 1 ? chunk : Buffer.concat(p.chunks));
    if (res === null) return;
    this.pending = null;
    if (res.close) {
      this.socket.destroy();
      this.socket = null;
    } else {
      // Idle between requests: let the event loop drain (callbackWaitsForEmptyEventLoop).
      this.socket.unref();
    }
    p.resolve(res);
  }
}

// Returns {status, headers, body, close} once `buf` holds a whole response, else null.
function parseResponse(buf) {
  const end = buf.indexOf(CRLF2);
  if (end < 0) return null;
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const status = Number(lines[0].split(' ', 2)[1]);
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  const start = end + 4;
  let body;
  if ((headers['transfer-encoding'] || '').toLowerCase() === 'chunked') {
    body = parseChunked(buf, start);
    if (body === null) return null;
  } else {
    const length = Number(headers['content-length'] || 0);
    if (buf.length < start + length) return null;
    body = buf.subarray(start, start + length);
  }
  return { status, headers, body, close: (headers.connection || '').toLowerCase() === 'close' };
}

function parseChunked(buf, pos) {
  const parts = [];
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return null;
    const size = parseInt(buf.toString('latin1', pos, eol).split(';')[0], 16);
    pos = eol + 2;
    if (size === 0) {
      // Trailers, each ending in CRLF, then an empty line.
      for (;;) {
        const t = buf.indexOf('\r\n', pos);
        if (t < 0) return null;
        if (t === pos) return Buffer.concat(parts);
        pos = t + 2;
      }
    }
    if (buf.length < pos + size + 2) return null;
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

function errorHeaders(error) {
  const type = String(error.errorType || 'Unhandled').replace(/[\r\n]/g, '');
  return `Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: ${type}\r\n`;
}
