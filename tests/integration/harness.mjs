// Shared helpers of kumo's integration tests: start and stop the real `kumo serve` binary on
// port 0 with a fresh data dir, talk to it with the AWS SDK, build zips, and check that nothing
// (processes, cgroups) is left behind. Every test file starts its own server through startKumo.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.KUMO_SOURCE_DIR || path.resolve(HERE, '..', '..');
export const BUILD_DIR = process.env.KUMO_BUILD_DIR || path.join(SOURCE_DIR, 'build');
export const KUMO_BIN = process.env.KUMO_BIN || path.join(BUILD_DIR, 'kumo');
export const PYTHON = '/usr/bin/python3';

const LISTEN_LINE = /kumo api listening on (http:\/\/([0-9.]+|\[[0-9a-f:]+\]|[a-z0-9.-]+):(\d+))/;
const START_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 10000;

// Starts `kumo serve` and resolves once it printed its listening line.
// options: dataDir (reuse an existing dir; it is then not removed by cleanup), dataDirParent
// (where the fresh dir is made; default os.tmpdir()), listen (default 127.0.0.1:0), args
// (extra argv), env (extra environment), uid/gid (run the server as that user; needs root).
// Returns a handle; call cleanup() in `after`/`finally`.
export async function startKumo(options = {}) {
  const ownsDir = !options.dataDir;
  const dataDir = options.dataDir ||
      fs.mkdtempSync(path.join(options.dataDirParent || os.tmpdir(), 'kumo-it-'));
  if (ownsDir && options.uid !== undefined) {
    fs.chownSync(dataDir, options.uid, options.gid ?? options.uid);
  }
  try {
    return await spawnServer({ ...options, dataDir, ownsDir });
  } catch (err) {
    if (ownsDir) {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    throw err;
  }
}

async function spawnServer(options) {
  const { dataDir, ownsDir } = options;
  if (!fs.existsSync(KUMO_BIN)) {
    throw new Error(`kumo binary not found at ${KUMO_BIN} (set KUMO_BIN or build first)`);
  }
  const argv = ['serve', '--listen', options.listen || '127.0.0.1:0', '--data-dir', dataDir,
    ...(options.args || [])];
  const proc = spawn(KUMO_BIN, argv, {
    env: { ...process.env, ...(options.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  let captured = '';
  const exited = new Promise((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let exitInfo = null;
  exited.then((info) => { exitInfo = info; });

  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      captured += chunk.toString();
      const m = captured.match(LISTEN_LINE);
      if (m) {
        resolve({ endpoint: m[1], port: Number(m[3]) });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (chunk) => { captured += chunk.toString(); });
    proc.once('error', (err) => reject(new Error(`cannot spawn ${KUMO_BIN}: ${err.message}`)));
    exited.then(({ code, signal }) => reject(new Error(
        `kumo serve exited (code ${code}, signal ${signal}) before listening; output:\n${captured}`)));
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(
        `kumo serve did not print its listening line within ${START_TIMEOUT_MS} ms; output:\n` +
        captured)), START_TIMEOUT_MS);
  });
  let where;
  try {
    where = await Promise.race([ready, timeout]);
  } catch (err) {
    if (!exitInfo) {
      proc.kill('SIGKILL');
      await exited;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }

  const handle = {
    endpoint: where.endpoint,
    port: where.port,
    dataDir,
    proc,
    pid: proc.pid,
    tree: [],
    output: () => captured,
    exited,
    // Sends `signal` to this server only and waits for it to exit (SIGKILL after 10 s).
    // Resolves {code, signal, killed} where killed says the SIGKILL fallback was needed.
    async stop(sig = 'SIGTERM') {
      if (exitInfo) {
        return { ...exitInfo, killed: false };
      }
      // Remember the server's process tree: cleanup() kills whatever of it outlives the server.
      handle.tree = descendants(proc.pid);
      proc.kill(sig);
      let t;
      const late = new Promise((resolve) => { t = setTimeout(() => resolve(null), STOP_TIMEOUT_MS); });
      const info = await Promise.race([exited, late]);
      clearTimeout(t);
      if (info) {
        return { ...info, killed: false };
      }
      proc.kill('SIGKILL');
      return { ...(await exited), killed: true };
    },
    // Stops this server (SIGTERM) and starts a new one on the same data dir.
    async restart() {
      const stopped = await handle.stop('SIGTERM');
      if (stopped.code !== 0) {
        throw new Error(`kumo did not exit 0 on SIGTERM: ${JSON.stringify(stopped)}\n${captured}`);
      }
      const next = await spawnServer({ ...options, dataDir, ownsDir: false });
      const cleanupNext = next.cleanup;
      next.cleanup = async () => {
        await cleanupNext();
        await handle.cleanup();
      };
      return next;
    },
    // Kills the server if still running, then anything of its process tree and cgroups that
    // outlived it (after a failed test), and removes the data dir it made.
    async cleanup() {
      if (!exitInfo) {
        await handle.stop('SIGKILL');
      }
      const tree = handle.tree || [];
      killAll(tree);
      for (let i = 0; i < 40 && stillRunning(tree).length; i++) {
        await new Promise((r) => setTimeout(r, 50)); // SIGKILLed processes leave their cgroups
      }
      removeCgroupScopes(proc.pid);
      if (ownsDir) {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return handle;
}

// The AWS SDK client pointed at kumo. maxAttempts 1: a retry would hide errors and would run a
// function twice (breaking warm-counter checks).
export function lambdaClient(endpoint) {
  // The pinned SDK supports node 20 (what Debian machines here have); its notice that later
  // SDK releases will need node 22 is noise in every test's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return new LambdaClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
}

// The SQS client pointed at kumo's queues (same endpoint as the Lambda API), no retries.
export function sqsClient(endpoint) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return new SQSClient({
    endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
}

const GATEWAY_LINE = /kumo gateway listening on (http:\/\/[^\s]+)/;

// Resolves the gateway's URL once the server printed its line (it may follow the API's line).
export function waitForGateway(server, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = server.output().match(GATEWAY_LINE);
      if (m) {
        clearTimeout(timer);
        server.proc.stdout.off('data', check);
        resolve(m[1]);
      }
    };
    const timer = setTimeout(() => {
      server.proc.stdout.off('data', check);
      reject(new Error(`no gateway line within ${timeoutMs} ms:\n${server.output()}`));
    }, timeoutMs);
    server.proc.stdout.on('data', check);
    check();
  });
}

// A raw HTTP request for what the SDK cannot express (malformed bodies, odd content types).
export async function rawRequest(endpoint, method, target, { headers = {}, body } = {}) {
  const res = await fetch(endpoint + target, { method, headers, body });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// Runs /usr/bin/python3 with `code`, feeding `input` on stdin; returns stdout as a Buffer.
export function runPython(code, { input, args = [] } = {}) {
  const r = spawnSync(PYTHON, ['-c', code, ...args], {
    input, maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`python failed (${r.status}): ${r.stderr?.toString()}`);
  }
  return r.stdout;
}

const ZIP_FILES_PY = `
import base64, io, json, sys, zipfile
spec = json.load(sys.stdin)
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
    for e in spec:
        info = zipfile.ZipInfo(e['name'], date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        kind = 0o120000 if e.get('symlink') else 0o100000
        info.external_attr = (kind | e['mode']) << 16
        info.create_system = 3
        z.writestr(info, base64.b64decode(e['data']))
sys.stdout.buffer.write(buf.getvalue())
`;

// Builds a zip in memory from {name: content} where content is a string, a Buffer, or
// {content, mode, symlink}. Names are stored exactly as given (so hostile names like
// '../x' can be made). Files named `bootstrap` default to mode 0755, others 0644.
export function zipFiles(files) {
  const spec = Object.entries(files).map(([name, value]) => {
    const v = (typeof value === 'string' || Buffer.isBuffer(value)) ? { content: value } : value;
    const mode = v.mode ?? (path.basename(name) === 'bootstrap' ? 0o755 : 0o644);
    return {
      name, mode, symlink: !!v.symlink,
      data: Buffer.from(v.content).toString('base64'),
    };
  });
  return runPython(ZIP_FILES_PY, { input: JSON.stringify(spec) });
}

const ZIP_DIR_PY = `
import io, os, sys, zipfile
root = sys.argv[1]
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            full = os.path.join(d, f)
            if os.path.islink(full):
                continue
            z.write(full, os.path.relpath(full, root))
sys.stdout.buffer.write(buf.getvalue())
`;

// Zips a folder (recursively, relative paths, file modes kept, symlinks skipped).
export function zipDir(dir) {
  return runPython(ZIP_DIR_PY, { args: [dir] });
}

const ZIP_BOMB_PY = `
import sys, zipfile
out, size = sys.argv[1], int(sys.argv[2])
chunk = bytes(1 << 20)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    with z.open('app.py', 'w', force_zip64=True) as f:
        for _ in range(size >> 20):
            f.write(chunk)
`;

// Writes a zip holding one file of `megabytes` MB of zeros to `file` (streamed: never in memory).
export function writeZipBomb(file, megabytes = 300) {
  runPython(ZIP_BOMB_PY, { args: [file, String(megabytes << 20)] });
  return fs.readFileSync(file);
}

export function sha256Base64(buf) {
  return spawnSync(PYTHON, ['-c',
    'import sys,hashlib,base64;print(base64.b64encode(hashlib.sha256(sys.stdin.buffer.read()).digest()).decode())'],
  { input: buf }).stdout.toString().trim();
}

export function uniqueName(prefix) {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

// Invokes through the SDK and decodes what comes back. An invocation that gets no answer
// within timeoutMs (default 25 s, above every function timeout the tests set) fails with a
// clear message instead of hanging the test until its own timeout.
export async function invoke(client, FunctionName, payload = {}, extra = {}) {
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const { timeoutMs = 25000, ...fields } = extra;
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const abortSignal = AbortSignal.timeout(timeoutMs);
  let out;
  try {
    out = await client.send(new InvokeCommand({
      FunctionName, Payload: Buffer.from(body), ...fields,
    }), { abortSignal });
  } catch (err) {
    if (abortSignal.aborted) {
      throw new Error(`Invoke ${FunctionName} got no answer within ${timeoutMs} ms`);
    }
    throw err;
  }
  const text = out.Payload ? Buffer.from(out.Payload).toString() : '';
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: out.StatusCode,
    functionError: out.FunctionError,
    executedVersion: out.ExecutedVersion,
    log: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString() : undefined,
    requestId: out.$metadata?.requestId,
    text,
    json,
  };
}

// Runs `fn` (which must reject) and returns the error, failing if it resolved.
export async function expectReject(fn, what) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error(`expected ${what || 'the call'} to fail, but it succeeded`);
}

// ---- leftovers: processes and cgroups of a server -------------------------------------------

function readStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], ppid: Number(rest[1]), start: rest[19] };
  } catch {
    return null;
  }
}

// Every live descendant of `rootPid` with its start time, so that after the root exits we can
// tell whether one of them still runs (and not a new process that reused the pid).
export function descendants(rootPid) {
  const table = new Map();
  for (const e of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(e)) {
      const st = readStat(Number(e));
      if (st) {
        table.set(Number(e), st);
      }
    }
  }
  const out = [];
  const frontier = [rootPid];
  while (frontier.length) {
    const p = frontier.pop();
    for (const [pid, st] of table) {
      if (st.ppid === p) {
        out.push({ pid, start: st.start });
        frontier.push(pid);
      }
    }
  }
  return out;
}

// The processes of `snapshot` that still run. A zombie has exited already: once the server is
// gone its dead children are reparented to init, which reaps them on its own schedule.
export function stillRunning(snapshot) {
  return snapshot.filter(({ pid, start }) => {
    const st = readStat(pid);
    return st && st.start === start && st.state !== 'Z' && st.state !== 'X';
  });
}

// Cgroup folders a server with pid `pid` may create (sandbox scope "s<pid>"), v1 and v2.
export function cgroupScopes(pid) {
  const base = '/sys/fs/cgroup';
  return [
    `${base}/memory/kumo/s${pid}`, `${base}/pids/kumo/s${pid}`, `${base}/cpu/kumo/s${pid}`,
    `${base}/cpu,cpuacct/kumo/s${pid}`, `${base}/kumo/s${pid}`, `${base}/unified/kumo/s${pid}`,
  ];
}

export function existingCgroupScopes(pid) {
  return cgroupScopes(pid).filter((p) => fs.existsSync(p));
}

// Describes what a stopped server left behind (empty string when nothing).
export function leftovers(snapshot, pid) {
  const procs = stillRunning(snapshot);
  const groups = existingCgroupScopes(pid);
  const lines = [];
  if (procs.length) {
    lines.push('processes still running: ' + procs.map(({ pid: p }) => {
      let cmd = '';
      try {
        cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      } catch { /* gone meanwhile */ }
      return `${p} (${cmd})`;
    }).join(', '));
  }
  if (groups.length) {
    lines.push('cgroups still present: ' + groups.join(', '));
  }
  return lines.join('\n');
}

// Removes the cgroup folders (deepest first) that a crashed server left, after killAll.
export function removeCgroupScopes(pid) {
  const rmTree = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        rmTree(path.join(dir, e.name));
      }
    }
    try {
      fs.rmdirSync(dir);
    } catch { /* still busy or gone; nothing more a test can do */ }
  };
  for (const dir of existingCgroupScopes(pid)) {
    rmTree(dir);
  }
}

// Kills whatever a failed test left behind so the next file starts clean.
export function killAll(snapshot) {
  for (const { pid } of stillRunning(snapshot)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* already gone */ }
  }
}

// Waits for the child `proc` to exit and returns {code, signal, stdout, stderr}.
export async function runToEnd(proc, { timeoutMs = 60000 } = {}) {
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (c) => { stdout += c; });
  proc.stderr?.on('data', (c) => { stderr += c; });
  const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(proc, 'close');
  clearTimeout(t);
  return { code, signal, stdout, stderr };
}

// Long-polls kumo's log endpoint until an event whose message matches `re` shows up.
export async function waitForLog(endpoint, name, re, { after = 0, deadlineMs = 60000 } = {}) {
  const end = Date.now() + deadlineMs;
  let seq = after;
  const seen = [];
  while (Date.now() < end) {
    const r = await rawRequest(endpoint, 'GET',
        `/kumo/v1/functions/${encodeURIComponent(name)}/logs?after=${seq}&wait=10`);
    if (r.status !== 200 || !r.json) {
      throw new Error(`log endpoint answered ${r.status}: ${r.text}`);
    }
    for (const ev of r.json.events) {
      seen.push(ev.message);
      if (re.test(ev.message)) {
        return ev;
      }
    }
    if (r.json.events.length) {
      seq = r.json.events[r.json.events.length - 1].seq;
    }
  }
  throw new Error(`no log line matching ${re} within ${deadlineMs} ms; saw:\n${seen.join('\n')}`);
}
