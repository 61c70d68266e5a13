// Invoke through the AWS SDK: Python, Node.js (CommonJS async, callback, .mjs) and provided
// (a shell bootstrap, and the C++ example) runtimes; DryRun; log tails; every kind of function
// failure with its precise error and recovery; payload limits; warm reuse; the context and the
// environment a handler sees.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import {
  BUILD_DIR, startKumo, lambdaClient, zipFiles, zipDir, invoke, uniqueName, expectReject,
  rawRequest,
} from './harness.mjs';

const T = { timeout: 60000 };

const APP_PY = `
import json, os, sys, time

COUNT = 0
INSTANCE_ID = os.urandom(8).hex()
ENV_KEYS = ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
            "_HANDLER", "AWS_REGION", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "GREETING"]


def handler(event, context):
    global COUNT
    COUNT += 1
    action = event.get("action", "echo")
    if action == "echo":
        print("echo-marker " + str(event.get("mark", "")))
        return {"event": event, "count": COUNT}
    if action == "raise":
        raise ValueError("bad value " + str(event.get("mark", "")))
    if action == "exit":
        sys.exit(3)
    if action == "hard_exit":
        os._exit(4)
    if action == "sleep":
        print("sleeping", flush=True)
        time.sleep(event["seconds"])
        return {"slept": event["seconds"]}
    if action == "spam":
        for i in range(event["lines"]):
            print("spam line %05d %s" % (i, "x" * 60))
        return {"printed": event["lines"]}
    if action == "whoami":
        time.sleep(event.get("seconds", 0))
        return {"instance": INSTANCE_ID, "count": COUNT}
    if action == "len":
        return {"len": len(event["data"])}
    if action == "ctx":
        return {
            "request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "memory": context.memory_limit_in_mb,
            "arn": context.invoked_function_arn,
            "remaining": context.get_remaining_time_in_millis(),
        }
    if action == "env":
        return {k: os.environ.get(k) for k in ENV_KEYS}
    if action == "python":
        import boto3
        return {"exe": sys.executable, "prefix": sys.prefix, "boto3": boto3.__file__,
                "path0": sys.path[0] if sys.path else None, "cwd": os.getcwd()}
    if action == "boto3":
        import boto3
        client = boto3.client("lambda")
        names = [f["FunctionName"] for f in client.list_functions()["Functions"]]
        return {"names": names}
    raise RuntimeError("unknown action " + action)
`;

const COUNTER_PY = `
COUNT = 0

def handler(event, context):
    global COUNT
    COUNT += 1
    return COUNT
`;

const NODE_FILES = {
  'index.js': `
let count = 0;
class CustomError extends Error {
  constructor(message) { super(message); this.name = 'CustomError'; }
}
exports.handler = async (event, context) => {
  count++;
  if (event.action === 'raise') throw new CustomError('node failed ' + (event.mark || ''));
  if (event.action === 'reject') return Promise.reject(new TypeError('rejected'));
  if (event.action === 'exit') process.exit(2);
  console.log('node-marker ' + (event.mark || ''));
  return {
    kind: 'cjs', event, count,
    requestId: context.awsRequestId, functionName: context.functionName,
    memory: context.memoryLimitInMB, remaining: context.getRemainingTimeInMillis(),
    node: process.execPath,
  };
};
`,
  'cb.js': `
exports.handler = (event, context, callback) => {
  if (event.fail) {
    return callback(new Error('callback failed'));
  }
  setImmediate(() => callback(null, { kind: 'callback', event, requestId: context.awsRequestId }));
};
`,
  'esm.mjs': `
import os from 'node:os';
export const handler = async (event, context) => ({ kind: 'mjs', event, eol: os.EOL.length });
`,
};

// A custom runtime: a /bin/sh bootstrap that execs a Python Runtime API client.
const PROVIDED_FILES = {
  bootstrap: '#!/bin/sh\nexec /usr/bin/python3 -u /var/task/runtime.py\n',
  'runtime.py': `
import http.client, json, os
host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
conn = http.client.HTTPConnection(host, int(port))
count = 0
while True:
    conn.request("GET", "/2018-06-01/runtime/invocation/next")
    r = conn.getresponse()
    event = json.loads(r.read() or b"{}")
    rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
    deadline = r.getheader("Lambda-Runtime-Deadline-Ms")
    arn = r.getheader("Lambda-Runtime-Invoked-Function-Arn")
    count += 1
    print("provided got " + rid)
    if event.get("fail"):
        body = json.dumps({"errorMessage": "provided failed", "errorType": "ProvidedError",
                           "stackTrace": ["runtime.py line 1"]})
        conn.request("POST", "/2018-06-01/runtime/invocation/%s/error" % rid, body,
                     {"Lambda-Runtime-Function-Error-Type": "ProvidedError"})
    else:
        body = json.dumps({"kind": "provided", "event": event, "count": count,
                           "requestId": rid, "deadline": deadline, "arn": arn,
                           "handler": os.environ.get("_HANDLER")})
        conn.request("POST", "/2018-06-01/runtime/invocation/%s/response" % rid, body)
    conn.getresponse().read()
`,
};

let kumo;
let client;
const fn = {};

async function create(key, fields) {
  const name = uniqueName(key);
  await client.send(new CreateFunctionCommand({ FunctionName: name, ...fields }));
  fn[key] = name;
}

before(async () => {
  kumo = await startKumo();
  client = lambdaClient(kumo.endpoint);
  const py = zipFiles({ 'app.py': APP_PY });
  const node = zipFiles(NODE_FILES);
  const pyBase = { Runtime: 'python3.12', Code: { ZipFile: py } };
  await create('py', { ...pyBase, Handler: 'app.handler', MemorySize: 256, Timeout: 10,
    Environment: { Variables: { GREETING: 'hi there' } } });
  await create('pyslow', { ...pyBase, Handler: 'app.handler', Timeout: 1 });
  await create('pycount', { Runtime: 'python3.12', Handler: 'counter.handler',
    Code: { ZipFile: zipFiles({ 'counter.py': COUNTER_PY }) } });
  await create('pyimport', { ...pyBase, Handler: 'nomodule.handler' });
  await create('pynohandler', { ...pyBase, Handler: 'app.nope' });
  await create('py311', { ...pyBase, Runtime: 'python3.11', Handler: 'app.handler' });
  await create('cjs', { Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: node } });
  await create('cb', { Runtime: 'nodejs20.x', Handler: 'cb.handler', Code: { ZipFile: node } });
  await create('mjs', { Runtime: 'nodejs22.x', Handler: 'esm.handler', Code: { ZipFile: node } });
  await create('nodeimport', { Runtime: 'nodejs18.x', Handler: 'missing.handler', Code: { ZipFile: node } });
  await create('nodenohandler', { Runtime: 'nodejs20.x', Handler: 'index.nope', Code: { ZipFile: node } });
  await create('provided', { Runtime: 'provided.al2023', Handler: 'my.handler',
    Code: { ZipFile: zipFiles(PROVIDED_FILES) } });
  await create('noboot', { Runtime: 'provided', Code: { ZipFile: zipFiles({ 'README': 'no bootstrap' }) } });
});

after(async () => {
  if (kumo) {
    const stopped = await kumo.stop('SIGTERM');
    await kumo.cleanup();
    assert.equal(stopped.code, 0, 'kumo did not exit 0 on SIGTERM');
  }
});

function ok(r) {
  assert.equal(r.status, 200);
  assert.equal(r.functionError, undefined, `unexpected function error: ${r.text}`);
  return r.json;
}

function failed(r, errorType) {
  assert.equal(r.status, 200);
  assert.equal(r.functionError, 'Unhandled', `expected a function error, got: ${r.text}`);
  assert.ok(r.json && typeof r.json === 'object', `error body is not JSON: ${r.text}`);
  assert.equal(typeof r.json.errorMessage, 'string', r.text);
  if (errorType) {
    assert.equal(r.json.errorType, errorType, r.text);
  }
  return r.json;
}

describe('each runtime returns its result', () => {
  test('python3.12 and python3.11', T, async () => {
    const event = { action: 'echo', mark: 'p', nested: { a: [1, 2, { b: null }] }, s: 'ünï' };
    assert.deepEqual(ok(await invoke(client, fn.py, event)).event, event);
    assert.deepEqual(ok(await invoke(client, fn.py311, event)).event, event);
  });

  test('nodejs: CommonJS async, callback style, .mjs module', T, async () => {
    const event = { hello: 'node', list: [1, 'two'] };
    const cjs = ok(await invoke(client, fn.cjs, event));
    assert.equal(cjs.kind, 'cjs');
    assert.deepEqual(cjs.event, event);
    assert.equal(cjs.node, '/usr/bin/node');
    const cb = ok(await invoke(client, fn.cb, event));
    assert.deepEqual([cb.kind, cb.event], ['callback', event]);
    const mjs = ok(await invoke(client, fn.mjs, event));
    assert.deepEqual([mjs.kind, mjs.event, mjs.eol], ['mjs', event, 1]);
  });

  test('provided: a /bin/sh bootstrap speaking the Runtime API', T, async () => {
    const r = await invoke(client, fn.provided, { x: 1 });
    const out = ok(r);
    assert.equal(out.kind, 'provided');
    assert.deepEqual(out.event, { x: 1 });
    assert.equal(out.requestId, r.requestId);
    assert.equal(out.handler, 'my.handler');
    assert.ok(out.arn.endsWith(`:function:${fn.provided}`), out.arn);
    assert.ok(Number(out.deadline) > Date.now() - 60000, `deadline ${out.deadline}`);
    const err = failed(await invoke(client, fn.provided, { fail: true }), 'ProvidedError');
    assert.equal(err.errorMessage, 'provided failed');
    assert.equal(ok(await invoke(client, fn.provided, {})).count, 3);
  });

  test('provided: the C++ example bootstrap', T, async (t) => {
    const dir = path.join(BUILD_DIR, 'examples', 'cpp-hello');
    if (!fs.existsSync(path.join(dir, 'bootstrap'))) {
      assert.fail(`${dir}/bootstrap was not built`);
    }
    const name = uniqueName('cpp');
    await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'provided.al2023', Code: { ZipFile: zipDir(dir) },
    }));
    const r = await invoke(client, name, { name: 'kumo-cpp' });
    ok(r);
    assert.match(r.text, /kumo-cpp/);
  });

  test('a provided function without a bootstrap fails cleanly', T, async () => {
    let r;
    try {
      r = await invoke(client, fn.noboot, {});
    } catch (err) {
      assert.ok(err.$metadata?.httpStatusCode >= 400, `${err.name}: ${err.message}`);
      return;
    }
    failed(r);
  });
});

describe('invocation options', () => {
  test('DryRun answers 204 without running', T, async () => {
    const before = ok(await invoke(client, fn.pycount, {}));
    const r = await invoke(client, fn.pycount, {}, { InvocationType: 'DryRun' });
    assert.equal(r.status, 204);
    assert.equal(ok(await invoke(client, fn.pycount, {})), before + 1);
    const err = await expectReject(() => invoke(client, uniqueName('ghost'), {}, { InvocationType: 'DryRun' }));
    assert.equal(err.name, 'ResourceNotFoundException');
  });

  test('LogType Tail returns START/END/REPORT and the print, for that request', T, async () => {
    const mark = uniqueName('mark');
    const r = await invoke(client, fn.py, { action: 'echo', mark }, { LogType: 'Tail' });
    ok(r);
    assert.ok(r.log, 'no X-Amz-Log-Result');
    assert.ok(Buffer.byteLength(r.log) <= 4096, `log tail is ${Buffer.byteLength(r.log)} bytes`);
    assert.match(r.log, new RegExp(`START RequestId: ${r.requestId}`));
    assert.match(r.log, new RegExp(`echo-marker ${mark}`));
    assert.match(r.log, new RegExp(`END RequestId: ${r.requestId}`));
    assert.match(r.log, new RegExp(`REPORT RequestId: ${r.requestId}`));
    assert.ok(r.log.indexOf('START') < r.log.indexOf(`echo-marker ${mark}`));
    assert.ok(r.log.indexOf(`echo-marker ${mark}`) < r.log.indexOf('END RequestId'));
    const node = await invoke(client, fn.cjs, { mark }, { LogType: 'Tail' });
    assert.match(node.log, new RegExp(`node-marker ${mark}`));
    const none = await invoke(client, fn.py, { action: 'echo' });
    assert.equal(none.log, undefined, 'a log tail without asking for it');
  });

  test('the log tail is the last 4 KB of a long log', T, async () => {
    const r = await invoke(client, fn.py, { action: 'spam', lines: 200 }, { LogType: 'Tail' });
    assert.equal(ok(r).printed, 200);
    assert.ok(Buffer.byteLength(r.log) <= 4096, `log tail is ${Buffer.byteLength(r.log)} bytes`);
    assert.ok(Buffer.byteLength(r.log) > 3000, `log tail is only ${Buffer.byteLength(r.log)} bytes`);
    assert.match(r.log, /spam line 00199/);
    assert.doesNotMatch(r.log, /spam line 00000/);
    assert.match(r.log, new RegExp(`REPORT RequestId: ${r.requestId}`));
  });

  test('X-Amz-Executed-Version is $LATEST', T, async () => {
    assert.equal((await invoke(client, fn.py, {})).executedVersion, '$LATEST');
  });

  test('unknown function is 404, a non-JSON payload is 400', T, async () => {
    const err = await expectReject(() => invoke(client, uniqueName('ghost'), {}));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.equal(err.$metadata.httpStatusCode, 404);
    const bad = await expectReject(() => invoke(client, fn.py, '{"action": "echo", '));
    assert.equal(bad.$metadata.httpStatusCode, 400, `${bad.name}: ${bad.message}`);
    const raw = await rawRequest(kumo.endpoint, 'POST',
        `/2015-03-31/functions/${fn.py}/invocations`, { body: 'not json at all' });
    assert.equal(raw.status, 400);
    assert.ok(raw.headers.get('x-amzn-errortype'));
    assert.deepEqual(ok(await invoke(client, fn.py, { action: 'echo', mark: 1 })).event,
        { action: 'echo', mark: 1 });
  });

  test('payloads: 5 MB works, over 6 MB is 413 RequestTooLargeException', T, async () => {
    const big = 'a'.repeat(5 * 1024 * 1024);
    assert.equal(ok(await invoke(client, fn.py, { action: 'len', data: big })).len, big.length);
    const huge = JSON.stringify({ action: 'len', data: 'b'.repeat(6 * 1024 * 1024 + 1024) });
    const err = await expectReject(() => invoke(client, fn.py, huge));
    assert.equal(err.name, 'RequestTooLargeException', `${err.name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, 413);
    assert.equal(ok(await invoke(client, fn.py, { action: 'len', data: 'ok' })).len, 2);
  });
});

describe('function failures give precise errors and the next invocation works', () => {
  test('python exception: Unhandled with errorMessage, errorType, stackTrace', T, async () => {
    const e = failed(await invoke(client, fn.py, { action: 'raise', mark: 'xyz' }), 'ValueError');
    assert.equal(e.errorMessage, 'bad value xyz');
    assert.ok(Array.isArray(e.stackTrace) && e.stackTrace.length > 0, JSON.stringify(e));
    assert.match(e.stackTrace.join('\n'), /app\.py/);
    ok(await invoke(client, fn.py, { action: 'echo' }));
  });

  test('node exceptions: thrown, rejected, callback(err)', T, async () => {
    const e = failed(await invoke(client, fn.cjs, { action: 'raise', mark: 'm1' }), 'CustomError');
    assert.equal(e.errorMessage, 'node failed m1');
    assert.ok(Array.isArray(e.stackTrace) && e.stackTrace.join('\n').includes('index.js'),
        JSON.stringify(e));
    failed(await invoke(client, fn.cjs, { action: 'reject' }), 'TypeError');
    const cb = failed(await invoke(client, fn.cb, { fail: true }), 'Error');
    assert.equal(cb.errorMessage, 'callback failed');
    assert.equal(ok(await invoke(client, fn.cb, { fine: 1 })).kind, 'callback');
    assert.equal(ok(await invoke(client, fn.cjs, {})).kind, 'cjs');
  });

  test('import errors: Runtime.ImportModuleError (python, node)', T, async () => {
    for (const key of ['pyimport', 'nodeimport']) {
      const e = failed(await invoke(client, fn[key], {}), 'Runtime.ImportModuleError');
      assert.match(e.errorMessage, /nomodule|missing/, e.errorMessage);
      // A second call fails the same way rather than hanging or crashing the server.
      failed(await invoke(client, fn[key], {}), 'Runtime.ImportModuleError');
    }
  });

  test('missing handler: Runtime.HandlerNotFound (python, node)', T, async () => {
    for (const key of ['pynohandler', 'nodenohandler']) {
      const e = failed(await invoke(client, fn[key], {}), 'Runtime.HandlerNotFound');
      assert.match(e.errorMessage, /nope/, e.errorMessage);
    }
  });

  test('exit mid-invocation: Runtime.ExitError, then a fresh instance serves', T, async () => {
    for (const action of ['exit', 'hard_exit']) {
      const e = failed(await invoke(client, fn.py, { action }), 'Runtime.ExitError');
      assert.match(e.errorMessage, /exit/i, e.errorMessage);
      assert.equal(ok(await invoke(client, fn.py, { action: 'echo' })).count, 1,
          'the next invocation should run on a new instance');
    }
    failed(await invoke(client, fn.cjs, { action: 'exit' }), 'Runtime.ExitError');
    assert.equal(ok(await invoke(client, fn.cjs, {})).count, 1);
  });

  test('timeout: "Task timed out after 1.00 seconds", instance killed, next works', T, async () => {
    const r = await invoke(client, fn.pyslow, { action: 'sleep', seconds: 5 }, { LogType: 'Tail' });
    const e = failed(r);
    assert.match(e.errorMessage, /Task timed out after 1\.00 seconds/, e.errorMessage);
    assert.match(r.log || '', /Task timed out after 1\.00 seconds|sleeping/);
    const next = ok(await invoke(client, fn.pyslow, { action: 'echo' }));
    assert.equal(next.count, 1, 'the timed-out instance should have been replaced');
  });
});

describe('instances, context and environment', () => {
  test('warm reuse: a module-level counter grows 1, 2, 3', T, async () => {
    const name = uniqueName('warm');
    await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'python3.12', Handler: 'counter.handler',
      Code: { ZipFile: zipFiles({ 'counter.py': COUNTER_PY }) },
    }));
    const seen = [];
    for (let i = 0; i < 3; i++) {
      seen.push(ok(await invoke(client, name, {})));
    }
    assert.deepEqual(seen, [1, 2, 3]);
  });

  test('concurrent invocations run on separate instances, one invocation each', T, async () => {
    const name = uniqueName('conc');
    await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'python3.12', Handler: 'app.handler', Timeout: 10,
      Code: { ZipFile: zipFiles({ 'app.py': APP_PY }) },
    }));
    const both = await Promise.all([
      invoke(client, name, { action: 'whoami', seconds: 1 }),
      invoke(client, name, { action: 'whoami', seconds: 1 }),
    ]);
    const [a, b] = both.map(ok);
    assert.notEqual(a.instance, b.instance, 'two overlapping invocations shared one instance');
    assert.deepEqual([a.count, b.count], [1, 1]);
    // Afterwards both instances are warm and each serves again.
    const next = ok(await invoke(client, name, { action: 'whoami' }));
    assert.ok([a.instance, b.instance].includes(next.instance), 'a warm instance was not reused');
    assert.equal(next.count, 2);
  });

  test('python context fields', T, async () => {
    const r = await invoke(client, fn.py, { action: 'ctx' });
    const c = ok(r);
    assert.ok(r.requestId, 'no x-amzn-requestid header');
    assert.equal(c.request_id, r.requestId);
    assert.equal(c.function_name, fn.py);
    assert.equal(c.function_version, '$LATEST');
    assert.equal(c.memory, 256);
    assert.ok(c.arn.endsWith(`:function:${fn.py}`), c.arn);
    assert.ok(c.remaining > 0 && c.remaining <= 10000, `remaining ${c.remaining}`);
    const again = await invoke(client, fn.py, { action: 'ctx' });
    assert.notEqual(ok(again).request_id, c.request_id, 'request ids must differ per call');
  });

  test('node context fields', T, async () => {
    const r = await invoke(client, fn.cjs, {});
    const c = ok(r);
    assert.equal(c.requestId, r.requestId);
    assert.equal(c.functionName, fn.cjs);
    assert.equal(String(c.memory), '128');
    assert.ok(c.remaining > 0 && c.remaining <= 3000, `remaining ${c.remaining}`);
  });

  test('Lambda environment variables', T, async () => {
    const env = ok(await invoke(client, fn.py, { action: 'env' }));
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, fn.py);
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.match(env.AWS_LAMBDA_RUNTIME_API || '', /^[^:]+:\d+$/);
    assert.equal(env.LAMBDA_TASK_ROOT, '/var/task');
    assert.equal(env._HANDLER, 'app.handler');
    assert.match(env.AWS_REGION || '', /^[a-z]{2}-[a-z]+-\d$/);
    assert.ok(env.AWS_LAMBDA_LOG_GROUP_NAME, 'AWS_LAMBDA_LOG_GROUP_NAME unset');
    assert.ok(env.AWS_LAMBDA_LOG_STREAM_NAME, 'AWS_LAMBDA_LOG_STREAM_NAME unset');
    assert.equal(env.GREETING, 'hi there');
  });

  test("python is Debian's /usr/bin/python3 and boto3 imports", T, async () => {
    const p = ok(await invoke(client, fn.py, { action: 'python' }));
    assert.equal(p.exe, '/usr/bin/python3');
    assert.equal(p.prefix, '/usr');
    assert.match(p.boto3, /^\/usr\/lib\/python3\/dist-packages\/boto3\//);
    assert.equal(p.cwd, '/var/task');
  });

  test("a function's unchanged boto3 client reaches kumo", T, async () => {
    const r = await invoke(client, fn.py, { action: 'boto3' });
    const out = ok(r);
    assert.ok(out.names.includes(fn.py), `list_functions from inside saw ${out.names}`);
  });
});
