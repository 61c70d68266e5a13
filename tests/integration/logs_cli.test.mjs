// The kumo CLI against a real server (deploy create/update, invoke, ls, rm, logs and
// logs --follow, bad endpoints) and the log lines Lambda writes (START/END/REPORT with
// Init Duration on cold starts only), plus kumo's log endpoint that the CLI reads.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import {
  KUMO_BIN, startKumo, lambdaClient, zipFiles, invoke, uniqueName, expectReject, rawRequest,
  runToEnd,
} from './harness.mjs';

const T = { timeout: 90000 };

let kumo;
let client;
let workDir;

before(async () => {
  kumo = await startKumo();
  client = lambdaClient(kumo.endpoint);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-cli-'));
});

after(async () => {
  if (workDir) {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  if (kumo) {
    const stopped = await kumo.stop('SIGTERM');
    await kumo.cleanup();
    assert.equal(stopped.code, 0, 'kumo did not exit 0 on SIGTERM');
  }
});

function cli(args, { endpoint = kumo.endpoint, input, env = {} } = {}) {
  const proc = spawn(KUMO_BIN, args, {
    env: { ...process.env, KUMO_ENDPOINT: endpoint, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) {
    proc.stdin.end(input);
  }
  return runToEnd(proc, { timeoutMs: 60000 });
}

// A failed CLI command: exit 1 and exactly one clear line on stderr, no stack trace.
function assertOneLineError(r, what, re) {
  assert.equal(r.code, 1, `${what}: exit ${r.code} (signal ${r.signal})\n${r.stdout}\n${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `${what}: stderr is not one line:\n${r.stderr}`);
  assert.ok(lines[0].length > 0, `${what}: empty error line`);
  assert.doesNotMatch(r.stderr, /terminate called|what\(\)|^\s+at /m, `${what}: ${r.stderr}`);
  if (re) {
    assert.match(lines[0], re, what);
  }
}

function writeApp(dir, files) {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

const APP_PY = (tag) => `
import os
from lib.helper import shout

def handler(event, context):
    print("handled " + str(event.get("name")))
    if event.get("fail"):
        raise KeyError("no such thing")
    return {"tag": "${tag}", "greeting": shout(event.get("name", "world")),
            "color": os.environ.get("COLOR")}
`;
const HELPER_PY = 'def shout(s):\n    return s.upper()\n';

async function freePort() {
  const s = net.createServer();
  s.listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

describe('kumo CLI', () => {
  const name = uniqueName('cli');
  let appDir;

  test('--help lists every command', T, async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const c of ['serve', 'deploy', 'invoke', 'ls', 'rm', 'logs']) {
      assert.match(r.stdout + r.stderr, new RegExp(`\\b${c}\\b`), `help misses ${c}`);
    }
  });

  test('deploy creates, then updates code and configuration', T, async () => {
    appDir = path.join(workDir, 'app');
    writeApp(appDir, { 'app.py': APP_PY('v1'), 'lib/__init__.py': '', 'lib/helper.py': HELPER_PY });
    const c = await cli(['deploy', appDir, '--name', name, '--runtime', 'python3.12',
      '--handler', 'app.handler']);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, new RegExp(name));
    const v1 = (await client.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
    assert.deepEqual([v1.Runtime, v1.Handler, v1.MemorySize, v1.Timeout],
        ['python3.12', 'app.handler', 128, 3]);
    const r1 = await invoke(client, name, { name: 'zip' });
    assert.equal(r1.functionError, undefined, r1.text);
    assert.deepEqual(r1.json, { tag: 'v1', greeting: 'ZIP', color: null });

    writeApp(appDir, { 'app.py': APP_PY('v2'), 'lib/__init__.py': '', 'lib/helper.py': HELPER_PY });
    const u = await cli(['deploy', appDir, '--name', name, '--runtime', 'python3.12',
      '--handler', 'app.handler', '--memory', '256', '--timeout', '9', '--env', 'COLOR=red',
      '--env', 'X=1']);
    assert.equal(u.code, 0, u.stderr);
    const v2 = (await client.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
    assert.notEqual(v2.CodeSha256, v1.CodeSha256);
    assert.deepEqual([v2.MemorySize, v2.Timeout], [256, 9]);
    assert.deepEqual(v2.Environment?.Variables, { COLOR: 'red', X: '1' });
    const r2 = await invoke(client, name, { name: 'again' });
    assert.deepEqual(r2.json, { tag: 'v2', greeting: 'AGAIN', color: 'red' });
  });

  test('deploy failures are one line and exit 1', T, async () => {
    assertOneLineError(await cli(['deploy', path.join(workDir, 'nope'), '--name', uniqueName('x'),
      '--runtime', 'python3.12', '--handler', 'app.handler']), 'missing dir');
    assertOneLineError(await cli(['deploy', appDir, '--name', uniqueName('x'),
      '--runtime', 'cobol85', '--handler', 'app.handler']), 'unknown runtime');
    assertOneLineError(await cli(['deploy', appDir, '--name', 'bad name!',
      '--runtime', 'python3.12', '--handler', 'app.handler']), 'bad name');
  });

  test('invoke prints the result; --payload JSON, @file and stdin', T, async () => {
    const r = await cli(['invoke', name, '--payload', '{"name":"cli"}']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { tag: 'v2', greeting: 'CLI', color: 'red' });
    const file = path.join(workDir, 'payload.json');
    fs.writeFileSync(file, '{"name":"file"}');
    const f = await cli(['invoke', name, '--payload', `@${file}`]);
    assert.equal(f.code, 0, f.stderr);
    assert.equal(JSON.parse(f.stdout).greeting, 'FILE');
    const s = await cli(['invoke', name, '--payload', '-'], { input: '{"name":"stdin"}' });
    assert.equal(s.code, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).greeting, 'STDIN');
    const d = await cli(['invoke', name]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).greeting, 'WORLD');
  });

  test('invoke: a function error exits 1 with one line; bad inputs too', T, async () => {
    const r = await cli(['invoke', name, '--payload', '{"fail":true}']);
    assertOneLineError(r, 'function error', /KeyError/);
    assert.equal(JSON.parse(r.stdout).errorType, 'KeyError');
    assertOneLineError(await cli(['invoke', uniqueName('ghost')]), 'unknown function', /not found|ghost/i);
    assertOneLineError(await cli(['invoke', name, '--payload', '{"broken":']), 'malformed payload');
    assertOneLineError(await cli(['invoke', name, '--payload', `@${path.join(workDir, 'none.json')}`]),
        'missing payload file');
  });

  test('ls lists the function', T, async () => {
    const r = await cli(['ls']);
    assert.equal(r.code, 0, r.stderr);
    const row = r.stdout.split('\n').find((l) => l.includes(name));
    assert.ok(row, `ls output has no ${name}:\n${r.stdout}`);
    assert.match(row, /python3\.12/);
    assert.match(row, /256/);
  });

  test('logs prints START/END/REPORT with Init Duration on the cold start only', T, async () => {
    const fresh = uniqueName('logs');
    await client.send(new CreateFunctionCommand({
      FunctionName: fresh, Runtime: 'python3.12', Handler: 'app.handler', MemorySize: 192,
      Code: { ZipFile: zipFiles({ 'app.py': 'def handler(e, c):\n    print("log-line " + e["n"])\n    return e\n' }) },
    }));
    const a = await invoke(client, fresh, { n: 'one' });
    const b = await invoke(client, fresh, { n: 'two' });
    const r = await cli(['logs', fresh]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const idx = (re) => lines.findIndex((l) => re.test(l));
    for (const [req, n] of [[a.requestId, 'one'], [b.requestId, 'two']]) {
      const s = idx(new RegExp(`START RequestId: ${req}`));
      const p = idx(new RegExp(`log-line ${n}`));
      const e = idx(new RegExp(`END RequestId: ${req}`));
      const rep = idx(new RegExp(`REPORT RequestId: ${req}`));
      assert.ok(s >= 0 && s < p && p < e && e < rep, `order for ${n}:\n${r.stdout}`);
      const report = lines[rep];
      assert.match(report, /Duration: [\d.]+ ms/);
      assert.match(report, /Billed Duration: \d+ ms/);
      assert.match(report, /Memory Size: 192 MB/);
      assert.match(report, /Max Memory Used: \d+ MB/);
      if (n === 'one') {
        assert.match(report, /Init Duration: [\d.]+ ms/, 'cold start without Init Duration');
      } else {
        assert.doesNotMatch(report, /Init Duration/, 'warm start with Init Duration');
      }
    }
    assert.match(lines[0], /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, 'lines start with a time');
    assertOneLineError(await cli(['logs', uniqueName('ghost')]), 'logs of unknown function');
  });

  test('logs --follow shows new lines as they come and stops on SIGINT', T, async () => {
    const proc = spawn(KUMO_BIN, ['logs', name, '--follow'], {
      env: { ...process.env, KUMO_ENDPOINT: kumo.endpoint }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = runToEnd(proc, { timeoutMs: 60000 });
    // One listener collects everything; waiters only look at what has been collected.
    let out = '';
    const waiters = new Set();
    proc.stdout.on('data', (c) => {
      out += c;
      for (const w of waiters) {
        w();
      }
    });
    const waitFor = (re) => new Promise((resolve, reject) => {
      const check = () => {
        if (re.test(out)) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`logs --follow printed nothing matching ${re} in 30 s:\n${out}`));
      }, 30000);
      waiters.add(check);
      check();
    });
    try {
      await waitFor(/handled again/); // history first
      const mark = uniqueName('follow');
      await invoke(client, name, { name: mark });
      await waitFor(new RegExp(`handled ${mark}`));
      proc.kill('SIGINT');
      const r = await done;
      assert.equal(r.code, 0, `logs --follow exit ${r.code} signal ${r.signal}: ${r.stderr}`);
    } finally {
      proc.kill('SIGKILL');
    }
  });

  test('rm removes, a second rm fails with one line', T, async () => {
    const r = await cli(['rm', name]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(name));
    const err = await expectReject(() => client.send(new GetFunctionCommand({ FunctionName: name })));
    assert.equal(err.name, 'ResourceNotFoundException');
    assertOneLineError(await cli(['rm', name]), 'rm twice');
    const ls = await cli(['ls']);
    assert.ok(!ls.stdout.includes(name), 'still listed after rm');
  });

  test('api-key create shows the value once; ls lists it without; rm revokes', T, async () => {
    const keyName = uniqueName('key');
    const c = await cli(['api-key', 'create', keyName]);
    assert.equal(c.code, 0, c.stderr);
    const id = c.stdout.match(/created API key (\S+)/)?.[1];
    const value = c.stdout.match(/^value: (\S+)$/m)?.[1];
    assert.ok(id && value, `create printed no id or value:\n${c.stdout}`);
    assert.match(c.stdout, /shown only once/);
    const listed = await cli(['api-key', 'ls']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+NAME\s+PREFIX\s+CREATED$/m);
    const row = listed.stdout.split('\n').find((l) => l.startsWith(`${id} `));
    assert.ok(row, `api-key ls has no ${id}:\n${listed.stdout}`);
    assert.match(row, new RegExp(`\\s${keyName}\\s`));
    assert.ok(!listed.stdout.includes(value), 'api-key ls shows the value');
    const r = await cli(['api-key', 'rm', id]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `revoked ${id}`);
    const after = await cli(['api-key', 'ls']);
    assert.equal(after.code, 0, after.stderr);
    assert.ok(!after.stdout.includes(id), `still listed after rm:\n${after.stdout}`);
    assertOneLineError(await cli(['api-key', 'rm', id]), 'api-key rm twice', /not found/);
  });

  test('an unreachable or malformed endpoint is one clear line', T, async () => {
    const port = await freePort();
    const dead = `http://127.0.0.1:${port}`;
    for (const args of [['ls'], ['invoke', 'x'], ['rm', 'x'], ['logs', 'x']]) {
      assertOneLineError(await cli(args, { endpoint: dead }), `${args[0]} against ${dead}`,
          new RegExp(`127\\.0\\.0\\.1:${port}`));
    }
    assertOneLineError(await cli(['ls', '--endpoint', dead], { endpoint: kumo.endpoint }),
        '--endpoint wins over KUMO_ENDPOINT', new RegExp(`${port}`));
    assertOneLineError(await cli(['ls'], { endpoint: 'not a url' }), 'malformed endpoint');
  });
});

describe('log endpoint /kumo/v1/functions/{name}/logs', () => {
  test('seq increases from 1, after= filters, limit caps, unknown is 404', T, async () => {
    const fresh = uniqueName('seq');
    await client.send(new CreateFunctionCommand({
      FunctionName: fresh, Runtime: 'python3.12', Handler: 'app.handler',
      Code: { ZipFile: zipFiles({ 'app.py': 'def handler(e, c):\n    print("x")\n    return 1\n' }) },
    }));
    await invoke(client, fresh, {});
    await invoke(client, fresh, {});
    const base = `/kumo/v1/functions/${fresh}/logs`;
    const all = await rawRequest(kumo.endpoint, 'GET', base);
    assert.equal(all.status, 200, all.text);
    const ev = all.json.events;
    assert.ok(ev.length >= 8, `only ${ev.length} events for two invocations`);
    assert.equal(ev[0].seq, 1);
    for (let i = 1; i < ev.length; i++) {
      assert.ok(ev[i].seq > ev[i - 1].seq, 'seq not increasing');
      assert.equal(typeof ev[i].message, 'string');
      assert.equal(typeof ev[i].timestamp, 'number');
    }
    assert.ok(all.json.nextSeq > ev[ev.length - 1].seq);
    const after = await rawRequest(kumo.endpoint, 'GET', `${base}?after=${ev[2].seq}`);
    assert.deepEqual(after.json.events.map((e) => e.seq), ev.slice(3).map((e) => e.seq));
    const limited = await rawRequest(kumo.endpoint, 'GET', `${base}?limit=2`);
    assert.deepEqual(limited.json.events.map((e) => e.seq), [ev[0].seq, ev[1].seq]);
    const last = ev[ev.length - 1].seq;
    const empty = await rawRequest(kumo.endpoint, 'GET', `${base}?after=${last}&wait=1`);
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json.events, []);
    assert.equal(empty.json.nextSeq, all.json.nextSeq);
    // A long poll is answered as soon as a new line arrives.
    const pending = rawRequest(kumo.endpoint, 'GET', `${base}?after=${last}&wait=25`);
    await invoke(client, fresh, {});
    const woke = await pending;
    assert.ok(woke.json.events.length >= 1 && woke.json.events[0].seq > last, woke.text);
    const missing = await rawRequest(kumo.endpoint, 'GET', `/kumo/v1/functions/${uniqueName('no')}/logs`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('x-amzn-errortype') || '', /^ResourceNotFoundException/);
  });
});
