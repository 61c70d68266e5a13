// What the sandbox enforces, seen from inside a function: no host processes, read-only code,
// private /tmp, no other function's files, no root and no capabilities, no mounts, and the
// kernel's memory limit from MemorySize. Needs root and cgroups; skips with the reason otherwise.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import {
  startKumo, lambdaClient, zipFiles, invoke, uniqueName, descendants, leftovers, killAll,
  waitForLog,
} from './harness.mjs';

const T = { timeout: 60000 };

function skipReason() {
  if (process.getuid?.() !== 0) {
    return 'sandbox tests need root (namespaces, mounts, cgroups); not root here';
  }
  const v1 = fs.existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');
  let v2 = false;
  try {
    v2 = fs.readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').split(/\s+/).includes('memory');
  } catch { /* not a cgroup2 root */ }
  if (!v1 && !v2) {
    return 'sandbox tests need the cgroup memory controller (v1 or v2); none found';
  }
  return false;
}

const PROBE_PY = `
import ctypes, errno, json, os


def attempt(fn):
    try:
        return {"ok": fn()}
    except OSError as e:
        return {"errno": errno.errorcode.get(e.errno, str(e.errno))}


def write(path):
    with open(path, "w") as f:
        f.write("written")
    with open(path) as f:
        return f.read()


def read(path):
    with open(path) as f:
        return f.read()


def find(root, needle, skip):
    hits = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if os.path.join(d, x) not in skip]
        hits += [os.path.join(d, n) for n in dirs + files if needle in n]
    return hits


def status_fields():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("Uid", "Gid", "CapEff", "CapPrm", "CapBnd", "CapAmb", "NoNewPrivs"):
                out[k] = v.split()
    return out


def mount_tmpfs():
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)
    if rc != 0:
        raise OSError(ctypes.get_errno(), "mount")
    return "mounted"


def hijack(request_id):
    import http.client
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
    out = {}
    for kind, body in (("response", b'"hijacked"'),
                       ("error", b'{"errorMessage": "hijacked", "errorType": "Hijack"}')):
        try:
            conn = http.client.HTTPConnection(host, int(port), timeout=5)
            conn.request("POST", "/2018-06-01/runtime/invocation/%s/%s" % (request_id, kind), body)
            out[kind] = conn.getresponse().status
            conn.close()
        except OSError as e:
            out[kind] = "error " + str(e)
    return out


def handler(event, context):
    a = event["action"]
    if a == "sleep":
        print("sleeping in " + context.aws_request_id, flush=True)
        import time
        time.sleep(event["seconds"])
        return {"slept": event["seconds"]}
    if a == "hijack":
        return hijack(event["id"])
    if a == "proc":
        pids = sorted(int(e) for e in os.listdir("/proc") if e.isdigit())
        return {"pids": pids, "self": os.getpid()}
    if a == "signal":
        return attempt(lambda: os.kill(event["pid"], 0))
    if a == "write":
        return attempt(lambda: write(event["path"]))
    if a == "read":
        return attempt(lambda: read(event["path"]))
    if a == "listdir":
        return attempt(lambda: sorted(os.listdir(event["path"])))
    if a == "stat":
        return attempt(lambda: os.stat(event["path"]).st_mode)
    if a == "find":
        return find("/", event["needle"], {"/proc", "/sys", "/usr", "/dev"})
    if a == "ids":
        return {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(),
                "status": status_fields()}
    if a == "mount":
        return attempt(mount_tmpfs)
    if a == "alloc":
        block = b"\\x01" * (event["mb"] << 20)
        return {"allocated": len(block)}
    raise RuntimeError("unknown action " + a)
`;

const skip = skipReason();
let kumo;
let client;
let snapshot = [];
const marker = uniqueName('secret');
const fnA = uniqueName('sbx-a');
const fnB = uniqueName('sbx-b');
const fnSmall = uniqueName('sbx-128');
const fnLarge = uniqueName('sbx-512');

describe('sandbox', { skip }, () => {
  before(async () => {
    // The data dir is under /var/tmp (not /tmp) so that a private /tmp alone would not hide it.
    kumo = await startKumo({ dataDirParent: '/var/tmp' });
    client = lambdaClient(kumo.endpoint);
    const base = { Runtime: 'python3.12', Handler: 'app.handler', Timeout: 30 };
    await client.send(new CreateFunctionCommand({ ...base, FunctionName: fnA,
      Code: { ZipFile: zipFiles({ 'app.py': PROBE_PY, [`${marker}.txt`]: 'A only' }) } }));
    await client.send(new CreateFunctionCommand({ ...base, FunctionName: fnB,
      Code: { ZipFile: zipFiles({ 'app.py': PROBE_PY, 'b.txt': 'B' }) } }));
    await client.send(new CreateFunctionCommand({ ...base, FunctionName: fnSmall, MemorySize: 128,
      Code: { ZipFile: zipFiles({ 'app.py': PROBE_PY }) } }));
    await client.send(new CreateFunctionCommand({ ...base, FunctionName: fnLarge, MemorySize: 512,
      Code: { ZipFile: zipFiles({ 'app.py': PROBE_PY }) } }));
  });

  after(async () => {
    if (!kumo) {
      return;
    }
    snapshot = descendants(kumo.pid);
    const stopped = await kumo.stop('SIGTERM');
    const left = leftovers(snapshot, kumo.pid);
    killAll(snapshot);
    await kumo.cleanup();
    assert.equal(stopped.code, 0, 'kumo did not exit 0 on SIGTERM');
    assert.equal(left, '', 'instances left behind after stop');
  });

  async function run(name, event) {
    const r = await invoke(client, name, event);
    assert.equal(r.functionError, undefined, `${JSON.stringify(event)} failed: ${r.text}`);
    return r.json;
  }

  test('cannot see or signal host processes', T, async () => {
    const p = await run(fnA, { action: 'proc' });
    assert.ok(p.self < 100, `pid ${p.self} looks like a host pid`);
    assert.ok(p.pids.length <= 10, `sees ${p.pids.length} processes: ${p.pids}`);
    assert.ok(p.pids.includes(p.self));
    assert.ok(!p.pids.includes(kumo.pid) || kumo.pid < 100, 'sees the kumo server');
    const s = await run(fnA, { action: 'signal', pid: kumo.pid });
    assert.deepEqual(s, { errno: 'ESRCH' });
  });

  test('code is read-only, /tmp is writable and private', T, async () => {
    const w = await run(fnA, { action: 'write', path: '/var/task/new.txt' });
    assert.ok(['EROFS', 'EACCES', 'EPERM'].includes(w.errno), JSON.stringify(w));
    const over = await run(fnA, { action: 'write', path: '/var/task/app.py' });
    assert.ok(over.errno, `overwrote its own code: ${JSON.stringify(over)}`);
    const tmp = `/tmp/${marker}-tmp`;
    assert.deepEqual(await run(fnA, { action: 'write', path: tmp }), { ok: 'written' });
    assert.deepEqual(await run(fnA, { action: 'read', path: tmp }), { ok: 'written' });
    assert.deepEqual(await run(fnB, { action: 'read', path: tmp }), { errno: 'ENOENT' });
    assert.ok(!fs.existsSync(tmp), "the function's /tmp is the host's /tmp");
  });

  test("cannot read another function's files or the data dir", T, async () => {
    assert.deepEqual(await run(fnA, { action: 'read', path: `/var/task/${marker}.txt` }),
        { ok: 'A only' });
    const mine = await run(fnB, { action: 'listdir', path: '/var/task' });
    assert.deepEqual(mine, { ok: ['app.py', 'b.txt'] });
    assert.deepEqual(await run(fnB, { action: 'find', needle: marker }), []);
    const dd = await run(fnB, { action: 'stat', path: kumo.dataDir });
    assert.ok(dd.errno, `the data dir ${kumo.dataDir} is visible inside: ${JSON.stringify(dd)}`);
    for (const p of ['/var/tmp', '/root', '/work']) {
      const r = await run(fnB, { action: 'listdir', path: p });
      assert.ok(r.errno || !r.ok.some((e) => e.startsWith('kumo-it-')),
          `${p} shows host files: ${JSON.stringify(r)}`);
    }
  });

  test("cannot answer another instance's invocation through the Runtime API", T, async () => {
    const pending = invoke(client, fnA, { action: 'sleep', seconds: 2 });
    const started = await waitForLog(kumo.endpoint, fnA, /^sleeping in /);
    const id = started.message.replace('sleeping in ', '').trim();
    const tries = await run(fnB, { action: 'hijack', id });
    for (const kind of ['response', 'error']) {
      assert.ok(typeof tries[kind] === 'string' || tries[kind] >= 400,
          `B could post A's ${kind}: ${JSON.stringify(tries)}`);
    }
    const a = await pending;
    assert.equal(a.requestId, id);
    assert.equal(a.functionError, undefined, a.text);
    assert.deepEqual(a.json, { slept: 2 });
  });

  test('runs unprivileged: uid != 0, no capabilities, no mount', T, async () => {
    const ids = await run(fnA, { action: 'ids' });
    assert.notEqual(ids.uid, 0);
    assert.notEqual(ids.euid, 0);
    assert.ok(ids.status.Uid.every((u) => u !== '0'), JSON.stringify(ids.status.Uid));
    assert.match(ids.status.CapEff[0], /^0+$/);
    assert.match(ids.status.CapPrm[0], /^0+$/);
    const m = await run(fnA, { action: 'mount' });
    assert.ok(['EPERM', 'EACCES'].includes(m.errno), JSON.stringify(m));
  });

  test('memory: past MemorySize the kernel stops it with a memory error; next works', T, async () => {
    const r = await invoke(client, fnSmall, { action: 'alloc', mb: 300 });
    assert.equal(r.functionError, 'Unhandled', `allocated 300 MB under a 128 MB limit: ${r.text}`);
    const e = r.json;
    assert.ok(e.errorType === 'Runtime.OutOfMemory' || /memory/i.test(e.errorMessage || ''),
        JSON.stringify(e));
    const next = await invoke(client, fnSmall, { action: 'alloc', mb: 8 }, { LogType: 'Tail' });
    assert.equal(next.functionError, undefined, next.text);
    assert.equal(next.json.allocated, 8 << 20);
    assert.match(next.log, /REPORT RequestId: \S+.*Max Memory Used: \d+ MB/s);
    assert.match(next.log, /Memory Size: 128 MB/);
  });

  test('memory: the limit follows MemorySize (300 MB fits in 512)', T, async () => {
    const r = await invoke(client, fnLarge, { action: 'alloc', mb: 300 }, { LogType: 'Tail' });
    assert.equal(r.functionError, undefined, r.text);
    assert.equal(r.json.allocated, 300 << 20);
    const used = Number(r.log.match(/Max Memory Used: (\d+) MB/)?.[1]);
    assert.ok(used >= 300 && used <= 512, `Max Memory Used ${used} MB after 300 MB`);
  });
});
