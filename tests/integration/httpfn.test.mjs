// Issue 5: HTTP-server functions (runtime "http", the Knative / OpenFaaS "server on $PORT"
// contract). The two examples are deployed as they are and called through the gateway: status,
// headers and body pass through unchanged, instances scale out and to zero, a server that never
// listens fails cleanly after its init timeout, and Lambda's Invoke reaches them too. Bodies
// stream both ways: Server-Sent Events reach the client as they are written, a download larger
// than any buffer passes whole, a chunked upload reaches the function, and a client that goes
// away mid-response frees the instance.
// Needs root (network namespaces); skips with the reason otherwise.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import {
  startKumo, lambdaClient, zipDir, zipFiles, uniqueName, invoke, rawRequest, SOURCE_DIR,
  descendants, waitForLog,
} from './harness.mjs';

const skip = process.getuid() !== 0 ? 'http functions need network namespaces (root)' : false;

async function gatewayUrl(kumo) {
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    const m = kumo.output().match(/kumo gateway listening on (http:\/\/[\d.]+:\d+)/);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no gateway line in:\n' + kumo.output());
}

async function putRoutes(endpoint, fn, keys) {
  const r = await rawRequest(endpoint, 'PUT', `/kumo/v1/functions/${fn}/routes`, {
    body: JSON.stringify({ Routes: keys.map((k) => ({ RouteKey: k })) }),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(r.status, 200, r.text);
}

// Processes under kumo whose command line mentions `needle` (the example servers).
function processesRunning(rootPid, needle) {
  return descendants(rootPid).filter(({ pid }) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false;  // gone meanwhile
    }
  }).length;
}

async function until(what, fn, deadlineMs = 20000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// fetch with a deadline, so that a hang fails the test with a message instead of stalling it.
async function call(url, init = {}, timeoutMs = 20000) {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

// The examples' download: its k-th 64 KiB piece is sha256(String(k)) repeated.
function expectedDownload(mebibytes) {
  const hash = crypto.createHash('sha256');
  for (let k = 0; k < mebibytes * 16; k++) {
    const seed = crypto.createHash('sha256').update(String(k)).digest();
    hash.update(Buffer.concat(Array(2048).fill(seed)));
  }
  return hash.digest('hex');
}

// Reads a fetch body piece by piece (never whole), counting and hashing it.
async function drain(body) {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const piece of body) {
    bytes += piece.length;
    hash.update(piece);
  }
  return { bytes, sha256: hash.digest('hex') };
}

// The resident memory high-water mark of a process, in bytes.
function peakRss(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return Number(m[1]) * 1024;
}

// A server that can crash or stall on demand.
const CRASHY = `
import os, time
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.endswith("/exit"):
            os._exit(3)
        if self.path.endswith("/sleep"):
            time.sleep(5)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
`;

describe('http functions', { skip }, () => {
  let kumo;
  let gw;
  let client;
  const py = uniqueName('httppy');
  const node = uniqueName('httpnode');
  const deaf = uniqueName('httpdeaf');
  const crashy = uniqueName('httpcrash');

  before(async () => {
    kumo = await startKumo({ args: ['--gateway-listen', '127.0.0.1:0', '--keep-alive', '1s'] });
    gw = await gatewayUrl(kumo);
    client = lambdaClient(kumo.endpoint);
    const role = 'arn:aws:iam::000000000000:role/x';
    for (const [name, dir] of [[py, 'http-python'], [node, 'http-node']]) {
      await client.send(new CreateFunctionCommand({
        FunctionName: name, Runtime: 'http', Role: role, Timeout: 30,
        Code: { ZipFile: zipDir(path.join(SOURCE_DIR, 'examples', dir)) },
      }));
    }
    // No bootstrap: the Handler is the command line. It never listens on $PORT.
    await client.send(new CreateFunctionCommand({
      FunctionName: deaf, Runtime: 'http', Role: role, Timeout: 2, Handler: 'exec sleep 60',
      Code: { ZipFile: zipFiles({ 'README': 'nothing here' }) },
    }));
    await client.send(new CreateFunctionCommand({
      FunctionName: crashy, Runtime: 'http', Role: role, Timeout: 1,
      Code: { ZipFile: zipFiles({
        'app.py': CRASHY, 'bootstrap': '#!/bin/sh\nexec /usr/bin/python3 -I app.py\n' }) },
    }));
    await putRoutes(kumo.endpoint, crashy, ['GET /crash/{p+}']);
    await putRoutes(kumo.endpoint, py, ['ANY /py/{p+}']);
    await putRoutes(kumo.endpoint, node, ['ANY /node/{p+}']);
    await putRoutes(kumo.endpoint, deaf, ['GET /deaf']);
  });
  after(async () => kumo?.cleanup());

  for (const [prefix, who] of [['py', 'python'], ['node', 'node']]) {
    test(`${who}: status, headers and body pass through unchanged`, async () => {
      const hello = await call(`${gw}/${prefix}/some/path?a=1&b=x%20y`, {
        headers: { 'X-Custom': 'kept', 'Connection': 'keep-alive' },
      });
      assert.equal(hello.status, 200, hello.text);
      assert.match(hello.headers.get('content-type'), /application\/json/);
      const j = JSON.parse(hello.text);
      assert.equal(j.hello, `from ${who}`);
      assert.equal(j.method, 'GET');
      assert.equal(j.path, `/${prefix}/some/path`);
      assert.equal(j.query, 'a=1&b=x%20y');
      assert.equal(j.headers['x-custom'], 'kept');
      assert.ok(j.headers.host, 'the Host header reaches the function');
      assert.ok(hello.headers.get('apigw-requestid'));

      const teapot = await call(`${gw}/${prefix}/teapot`);
      assert.equal(teapot.status, 418);
      assert.equal(teapot.headers.get('x-teapot'), 'yes');
      assert.equal(teapot.headers.get('content-type'), 'text/plain');
      assert.equal(teapot.text, 'short and stout');

      const body = JSON.stringify({ big: 'x'.repeat(100000), n: 1 });
      const echo = await call(`${gw}/${prefix}/echo`, {
        method: 'POST', body, headers: { 'content-type': 'application/x-test' },
      });
      assert.equal(echo.status, 200);
      assert.equal(echo.headers.get('content-type'), 'application/x-test');
      assert.equal(echo.text, body);
      assert.ok(echo.headers.get('x-instance'));
    });
  }

  for (const [prefix, who] of [['py', 'python'], ['node', 'node']]) {
    test(`${who}: Server-Sent Events reach the client while the function still writes`, async () => {
      const r = await fetch(`${gw}/${prefix}/events`, { signal: AbortSignal.timeout(20000) });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type'), /text\/event-stream/);
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let text = '';
      // The function writes the second event 1.5 s after the first: a gateway that held the
      // response until it ended would hand both over at once.
      let firstAlone = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (text.includes('data: first') && !text.includes('data: second')) firstAlone = true;
      }
      assert.ok(firstAlone, 'the first event arrived together with the second');
      assert.equal(text, 'event: tick\ndata: first\n\nevent: tick\ndata: second\n\n');
    });

    test(`${who}: a chunked 20 MB upload reaches the function whole`, async () => {
      const piece = crypto.randomBytes(1 << 20);
      const sent = crypto.createHash('sha256');
      let left = 20;
      // A stream body makes fetch send Transfer-Encoding: chunked.
      const body = new ReadableStream({
        pull(controller) {
          if (left-- === 0) return controller.close();
          const copy = Buffer.from(piece);
          copy.writeUInt32BE(left, 0);  // every MiB differs
          sent.update(copy);
          controller.enqueue(copy);
        },
      });
      const r = await call(`${gw}/${prefix}/digest`, { method: 'POST', body, duplex: 'half' });
      assert.equal(r.status, 200, r.text);
      const got = JSON.parse(r.text);
      assert.equal(got.bytes, 20 << 20);
      assert.equal(got.sha256, sent.digest('hex'));
      assert.equal(got.chunked, true, 'the function did not get the body chunked as sent');
    });
  }

  test('a 100 MB download streams through with every byte, in bounded memory', async () => {
    const expected = expectedDownload(100);
    for (const prefix of ['node', 'py']) {
      const r = await fetch(`${gw}/${prefix}/download?mb=100`, { signal: AbortSignal.timeout(60000) });
      assert.equal(r.status, 200);
      if (prefix === 'py') assert.equal(r.headers.get('content-length'), String(100 << 20));
      const got = await drain(r.body);
      assert.equal(got.bytes, 100 << 20, prefix);
      assert.equal(got.sha256, expected, prefix);
    }
    // Buffering either response would have taken more than 100 MB.
    assert.ok(peakRss(kumo.pid) < 64 << 20, `kumo peaked at ${peakRss(kumo.pid)} bytes`);
  });

  test('a client that leaves mid-download ends the invocation; the instance serves on', async () => {
    const r = await fetch(`${gw}/node/download?mb=100`, { signal: AbortSignal.timeout(20000) });
    assert.equal(r.status, 200);
    const instance = r.headers.get('x-instance');
    const requestId = r.headers.get('apigw-requestid');
    const reader = r.body.getReader();
    assert.ok((await reader.read()).value.length > 0);
    await reader.cancel();
    const line = await waitForLog(kumo.endpoint, node, /client went away/);
    assert.equal(line.requestId, requestId);
    const after = await call(`${gw}/node/hello`);
    assert.equal(after.status, 200, after.text);
    assert.equal(JSON.parse(after.text).instance, instance, 'the instance was replaced');
  });

  test('concurrent calls scale out to several instances', async () => {
    const calls = Array.from({ length: 4 }, () => call(`${gw}/node/slow?ms=700`));
    const results = await Promise.all(calls);
    for (const r of results) assert.equal(r.status, 200, r.text);
    const instances = new Set(results.map((r) => JSON.parse(r.text).instance));
    assert.ok(instances.size >= 2, `one instance served ${results.length} overlapping calls`);
  });

  test('an instance idle past the keep-alive stops and the next call still works', async () => {
    const first = await rawRequest(kumo.endpoint, 'POST', `/2015-03-31/functions/${py}/invocations`,
        { body: '{"x":1}' });
    assert.equal(first.status, 200, first.text);
    const before = JSON.parse(first.text).instance;
    assert.ok(processesRunning(kumo.pid, 'server.py') >= 1);
    await until('the python instances to scale to zero',
        () => processesRunning(kumo.pid, 'server.py') === 0);
    const again = await rawRequest(kumo.endpoint, 'POST', `/2015-03-31/functions/${py}/invocations`,
        { body: '{"x":2}' });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.headers.get('x-kumo-start-type'), 'cold');
    assert.notEqual(JSON.parse(again.text).instance, before);
  });

  test('Lambda Invoke POSTs the payload to / and returns the body', async () => {
    const out = await invoke(client, node, { hello: 'there' });
    assert.equal(out.status, 200);
    assert.equal(out.functionError, undefined, out.text);
    assert.ok(out.json, `not JSON: ${out.text}`);
    assert.equal(out.json.method, 'POST');
    assert.equal(out.json.path, '/');
    assert.deepEqual(JSON.parse(out.json.received), { hello: 'there' });
    assert.equal(out.json.headers['content-type'], 'application/json');
    assert.equal(out.json.headers.host, '127.0.0.1:8080');
    // The python example too (it answers POST / with what it received).
    const py2 = await invoke(client, py, [1, 2]);
    assert.equal(py2.functionError, undefined, py2.text);
    assert.equal(py2.json.received, '[1,2]');
  });

  test('a server that never listens fails after the init timeout, without hanging', async () => {
    const started = Date.now();
    const r = await call(`${gw}/deaf`);
    assert.equal(r.status, 502, r.text);
    assert.ok(Date.now() - started < 10000, 'failed within the 2 s Timeout, not the 10 s init cap');
    const out = await invoke(client, deaf, {});
    assert.equal(out.functionError, 'Unhandled');
    assert.equal(out.json.errorType, 'Runtime.InitTimeout');
    assert.match(out.json.errorMessage, /port 8080/);
  });

  test('a server that exits mid-request is a 502, one that stalls past Timeout a 504', async () => {
    assert.equal((await call(`${gw}/crash/ok`)).status, 200);
    const exited = await call(`${gw}/crash/exit`);
    assert.equal(exited.status, 502, exited.text);
    // The next call gets a new instance.
    assert.equal((await call(`${gw}/crash/ok`)).status, 200);
    const stalled = await call(`${gw}/crash/sleep`);
    assert.equal(stalled.status, 504, stalled.text);
    assert.equal((await call(`${gw}/crash/ok`)).status, 200);
  });
});
