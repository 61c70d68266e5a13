// A plain Node.js HTTP server as an http-runtime function: kumo starts it, waits until $PORT
// answers and forwards requests to it unchanged. Paths ending in /echo echo a POST body;
// /teapot shows a custom status and header; /slow?ms=N answers after N ms; anything else says
// hello with this process's id (to see scale-out).
const http = require('node:http');
const crypto = require('node:crypto');

const instance = crypto.randomUUID();  // one per process: tells instances apart

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (url.pathname.endsWith('/echo')) {
      res.writeHead(200, {
        'content-type': req.headers['content-type'] || 'text/plain', 'x-instance': instance,
      });
      return res.end(body);
    }
    if (url.pathname.endsWith('/teapot')) {
      res.writeHead(418, { 'content-type': 'text/plain', 'x-teapot': 'yes' });
      return res.end('short and stout');
    }
    const reply = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        hello: 'from node', instance, pid: process.pid, method: req.method,
        path: url.pathname, query: url.search.slice(1), received: body.toString(),
        headers: req.headers,
      }));
    };
    if (url.pathname.endsWith('/slow')) {
      return setTimeout(reply, Number(url.searchParams.get('ms') || 500));
    }
    reply();
  });
});

const port = Number(process.env.PORT || 8080);
server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
