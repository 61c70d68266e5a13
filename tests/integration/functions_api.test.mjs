// The management API through the AWS SDK: CreateFunction's answer field by field, defaults,
// GetFunction, ListFunctions paging, updates reaching the next invocation, DeleteFunction, and
// every bad input answered with Lambda's error shape while leaving nothing behind.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, ListFunctionsCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  startKumo, lambdaClient, rawRequest, zipFiles, writeZipBomb, sha256Base64, invoke, uniqueName,
  expectReject, descendants, stillRunning, waitForLog,
} from './harness.mjs';

const T = { timeout: 120000 };
const ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

const APP_PY = (tag) => `
import os

def handler(event, context):
    return {
        "tag": ${JSON.stringify(tag)},
        "color": os.environ.get("COLOR"),
        "memory": context.memory_limit_in_mb,
        "remaining": context.get_remaining_time_in_millis(),
    }
`;

let kumo;
let client;

before(async () => {
  kumo = await startKumo();
  client = lambdaClient(kumo.endpoint);
});

after(async () => {
  if (kumo) {
    const stopped = await kumo.stop('SIGTERM');
    await kumo.cleanup();
    assert.equal(stopped.code, 0, 'kumo did not exit 0 on SIGTERM');
  }
});

function create(fields) {
  return client.send(new CreateFunctionCommand({
    Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: zipFiles({ 'app.py': APP_PY('v1') }) },
    ...fields,
  }));
}

async function assertAbsent(name) {
  const err = await expectReject(
      () => client.send(new GetFunctionCommand({ FunctionName: name })), `GetFunction ${name}`);
  assert.equal(err.name, 'ResourceNotFoundException');
  assert.equal(err.$metadata.httpStatusCode, 404);
}

// Expects CreateFunction with `fields` to fail with 400 InvalidParameterValueException and
// leave no function behind.
async function assertRejected(fields, why) {
  const err = await expectReject(() => create(fields), why);
  assert.equal(err.$metadata?.httpStatusCode, 400, `${why}: status ${err.$metadata?.httpStatusCode} ${err.message}`);
  assert.equal(err.name, 'InvalidParameterValueException', `${why}: ${err.name} ${err.message}`);
  assert.ok(err.message && err.message.length > 0, `${why}: empty message`);
  if (typeof fields.FunctionName === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(fields.FunctionName)) {
    await assertAbsent(fields.FunctionName);
  }
}

describe('CreateFunction and GetFunction', () => {
  test('answers 201 with a full FunctionConfiguration', T, async () => {
    const name = uniqueName('full');
    const zip = zipFiles({ 'app.py': APP_PY('v1') });
    const out = await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: zip },
      MemorySize: 256, Timeout: 10, Description: 'every field',
      Environment: { Variables: { COLOR: 'blue', EMPTY: '' } },
    }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.equal(out.FunctionName, name);
    assert.match(out.FunctionArn, ARN);
    assert.ok(out.FunctionArn.endsWith(`:function:${name}`), out.FunctionArn);
    assert.equal(out.Runtime, 'python3.12');
    assert.equal(out.Handler, 'app.handler');
    assert.equal(out.CodeSize, zip.length);
    assert.equal(out.CodeSha256, sha256Base64(zip));
    assert.equal(out.MemorySize, 256);
    assert.equal(out.Timeout, 10);
    assert.equal(out.Version, '$LATEST');
    assert.equal(out.Description, 'every field');
    assert.match(out.LastModified, ISO);
    assert.ok(Math.abs(Date.parse(out.LastModified) - Date.now()) < 3600e3, out.LastModified);
    assert.equal(out.State, 'Active');
    assert.deepEqual(out.Environment?.Variables, { COLOR: 'blue', EMPTY: '' });

    const got = await client.send(new GetFunctionCommand({ FunctionName: name }));
    assert.equal(got.$metadata.httpStatusCode, 200);
    for (const k of ['FunctionName', 'FunctionArn', 'Runtime', 'Handler', 'CodeSize',
      'CodeSha256', 'MemorySize', 'Timeout', 'Version', 'LastModified', 'State']) {
      assert.deepEqual(got.Configuration[k], out[k], `GetFunction ${k}`);
    }
    assert.deepEqual(got.Configuration.Environment?.Variables, { COLOR: 'blue', EMPTY: '' });
    assert.equal(got.Code?.RepositoryType, 'S3', JSON.stringify(got.Code));
    assert.equal(typeof got.Code?.Location, 'string',
        `GetFunction has no Code.Location: ${JSON.stringify(got.Code)}`);
    const r = await invoke(client, name, {});
    assert.equal(r.functionError, undefined, r.text);
    assert.equal(r.json.color, 'blue');
    assert.equal(r.json.memory, 256);
  });

  test('defaults to 128 MB and 3 s; the 64-character name and the limits are accepted', T, async () => {
    const name = uniqueName('defaults');
    const out = await create({ FunctionName: name });
    assert.equal(out.MemorySize, 128);
    assert.equal(out.Timeout, 3);
    const long = ('L' + uniqueName('n').replace(/[^A-Za-z0-9]/g, '') + 'x'.repeat(64)).slice(0, 64);
    assert.equal(long.length, 64);
    const lo = await create({ FunctionName: long, MemorySize: 128, Timeout: 1 });
    assert.equal(lo.FunctionName, long);
    const hi = await create({ FunctionName: uniqueName('max_limits'), MemorySize: 10240, Timeout: 900 });
    assert.equal(hi.MemorySize, 10240);
    assert.equal(hi.Timeout, 900);
  });

  test('provided runtimes need no handler', T, async () => {
    const name = uniqueName('nohandler');
    const out = await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'provided.al2023',
      Code: { ZipFile: zipFiles({ bootstrap: '#!/bin/sh\nexit 1\n' }) },
    }));
    assert.equal(out.Runtime, 'provided.al2023');
  });

  test('a duplicate name is 409 ResourceConflictException and keeps the first', T, async () => {
    const name = uniqueName('dup');
    const first = await create({ FunctionName: name, MemorySize: 256 });
    const err = await expectReject(() => create({ FunctionName: name, MemorySize: 512 }));
    assert.equal(err.name, 'ResourceConflictException');
    assert.equal(err.$metadata.httpStatusCode, 409);
    const got = await client.send(new GetFunctionCommand({ FunctionName: name }));
    assert.equal(got.Configuration.MemorySize, 256);
    assert.equal(got.Configuration.CodeSha256, first.CodeSha256);
  });

  test('unknown functions are 404 ResourceNotFoundException for every call', T, async () => {
    const name = uniqueName('nobody');
    const calls = [
      new GetFunctionCommand({ FunctionName: name }),
      new DeleteFunctionCommand({ FunctionName: name }),
      new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipFiles({ 'app.py': '' }) }),
      new UpdateFunctionConfigurationCommand({ FunctionName: name, MemorySize: 256 }),
    ];
    for (const c of calls) {
      const err = await expectReject(() => client.send(c), c.constructor.name);
      assert.equal(err.name, 'ResourceNotFoundException', `${c.constructor.name}: ${err.name}`);
      assert.equal(err.$metadata.httpStatusCode, 404);
    }
  });
});

describe('bad CreateFunction inputs: 400 InvalidParameterValueException, nothing created', () => {
  test('invalid names', T, async () => {
    await assertRejected({ FunctionName: 'bad name!' }, 'name with space and !');
    await assertRejected({ FunctionName: 'a'.repeat(65) }, '65-character name');
    await assertRejected({ FunctionName: '' }, 'empty name');
    await assertRejected({ FunctionName: '../etc' }, 'name with a path');
    const names = (await listAll()).map((f) => f.FunctionName);
    assert.ok(!names.includes('bad name!') && !names.includes('a'.repeat(65)));
  });

  test('unknown or missing runtime, missing handler', T, async () => {
    await assertRejected({ FunctionName: uniqueName('rt'), Runtime: 'cobol85' }, 'unknown runtime');
    await assertRejected({ FunctionName: uniqueName('rt'), Runtime: undefined }, 'missing runtime');
    await assertRejected({ FunctionName: uniqueName('h'), Handler: undefined }, 'python without handler');
    await assertRejected({ FunctionName: uniqueName('h'), Runtime: 'nodejs20.x', Handler: undefined },
        'node without handler');
  });

  test('memory and timeout out of range', T, async () => {
    await assertRejected({ FunctionName: uniqueName('m'), MemorySize: 127 }, 'MemorySize 127');
    await assertRejected({ FunctionName: uniqueName('m'), MemorySize: 10241 }, 'MemorySize 10241');
    await assertRejected({ FunctionName: uniqueName('t'), Timeout: 0 }, 'Timeout 0');
    await assertRejected({ FunctionName: uniqueName('t'), Timeout: 901 }, 'Timeout 901');
  });

  test('missing code, not a zip, a zip cut in the middle', T, async () => {
    await assertRejected({ FunctionName: uniqueName('z'), Code: {} }, 'no code');
    await assertRejected({ FunctionName: uniqueName('z'), Code: { ZipFile: Buffer.from('this is not a zip file') } },
        'not a zip');
    // Random (incompressible) content so that the cut lands inside the compressed data.
    const noise = Buffer.from(Array.from({ length: 20000 }, () => Math.floor(Math.random() * 256)));
    const whole = zipFiles({ 'app.py': APP_PY('x'), 'noise.bin': noise });
    await assertRejected({ FunctionName: uniqueName('z'), Code: { ZipFile: whole.subarray(0, Math.floor(whole.length * 0.6)) } },
        'truncated zip');
  });

  test('zips with paths escaping the root leave no file outside', T, async () => {
    const marker = uniqueName('kumo-escape');
    const up = `../../../../../../../../../../tmp/${marker}-up.txt`;
    const abs = `/tmp/${marker}-abs.txt`;
    await assertRejected({ FunctionName: uniqueName('zdot'), Code: { ZipFile: zipFiles({ 'app.py': APP_PY('x'), [up]: 'pwned' }) } },
        'zip with ../ path');
    await assertRejected({ FunctionName: uniqueName('zabs'), Code: { ZipFile: zipFiles({ 'app.py': APP_PY('x'), [abs]: 'pwned' }) } },
        'zip with absolute path');
    assert.ok(!fs.existsSync(`/tmp/${marker}-up.txt`), 'a ../ entry was written outside');
    assert.ok(!fs.existsSync(`/tmp/${marker}-abs.txt`), 'an absolute entry was written');
    assert.deepEqual(findFiles(kumo.dataDir, marker), [], 'escaping entries were extracted');
  });

  test('a symlink in the zip cannot be used to write outside', T, async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-outside-'));
    try {
      const name = uniqueName('zlink');
      const zip = zipFiles({
        'app.py': APP_PY('x'),
        link: { content: outside, symlink: true, mode: 0o777 },
        'link/evil.txt': 'pwned',
      });
      try {
        await create({ FunctionName: name, Code: { ZipFile: zip } });
      } catch (err) {
        assert.equal(err.name, 'InvalidParameterValueException', err.message);
      }
      assert.deepEqual(fs.readdirSync(outside), [], 'the zip wrote through its symlink');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a zip bomb (300 MB of zeros) is refused', T, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-bomb-'));
    try {
      const bomb = writeZipBomb(path.join(dir, 'bomb.zip'), 300);
      assert.ok(bomb.length < 2 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
      await assertRejected({ FunctionName: uniqueName('bomb'), Code: { ZipFile: bomb } }, 'zip bomb');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('malformed JSON and a wrong content type (raw HTTP)', T, async () => {
    const name = uniqueName('raw');
    const bad = await rawRequest(kumo.endpoint, 'POST', '/2015-03-31/functions', {
      headers: { 'content-type': 'application/json' },
      body: `{"FunctionName": "${name}", "Runtime": `,
    });
    assert.equal(bad.status, 400, bad.text);
    assertErrorShape(bad);
    const notObject = await rawRequest(kumo.endpoint, 'POST', '/2015-03-31/functions', {
      headers: { 'content-type': 'application/json' }, body: '[1, 2, 3]',
    });
    assert.equal(notObject.status, 400, notObject.text);
    assertErrorShape(notObject);
    const text = await rawRequest(kumo.endpoint, 'POST', '/2015-03-31/functions', {
      headers: { 'content-type': 'text/plain' }, body: 'FunctionName=' + name,
    });
    assert.ok(text.status === 400 || text.status === 415, `text/plain got ${text.status}`);
    assertErrorShape(text);
    await assertAbsent(name);
  });
});

describe('error shape on the wire', () => {
  test('status, X-Amzn-ErrorType and a JSON {Type, Message} body', T, async () => {
    const r = await rawRequest(kumo.endpoint, 'GET', `/2015-03-31/functions/${uniqueName('nope')}`);
    assert.equal(r.status, 404);
    assert.match(r.headers.get('x-amzn-errortype') || '', /^ResourceNotFoundException/);
    assertErrorShape(r);
    assert.equal(r.json.Type, 'User');
    const bad = await rawRequest(kumo.endpoint, 'POST', '/2015-03-31/functions', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ FunctionName: 'bad name!', Runtime: 'python3.12', Handler: 'a.b',
        Code: { ZipFile: zipFiles({ 'app.py': '' }).toString('base64') } }),
    });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('x-amzn-errortype') || '', /^InvalidParameterValueException/);
    assertErrorShape(bad);
  });
});

describe('ListFunctions', () => {
  test('pages with MaxItems=2 and Marker over 5 functions', T, async () => {
    const prefix = uniqueName('page');
    const mine = [];
    for (let i = 0; i < 5; i++) {
      mine.push(`${prefix}-${i}`);
      await create({ FunctionName: `${prefix}-${i}` });
    }
    const seen = [];
    let marker;
    let pages = 0;
    do {
      const out = await client.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      pages++;
      assert.ok(out.Functions.length <= 2, `page of ${out.Functions.length}`);
      assert.ok(out.Functions.length > 0 || !out.NextMarker, 'empty page with a NextMarker');
      for (const f of out.Functions) {
        assert.equal(typeof f.FunctionArn, 'string');
        seen.push(f.FunctionName);
      }
      marker = out.NextMarker;
      assert.ok(pages < 200, 'paging does not end');
    } while (marker);
    assert.equal(new Set(seen).size, seen.length, `duplicates across pages: ${seen}`);
    for (const n of mine) {
      assert.ok(seen.includes(n), `${n} missing from the pages`);
    }
    assert.ok(pages >= Math.ceil(seen.length / 2));
    const all = await listAll();
    assert.equal(all.length, seen.length);
  });

  test('a bad MaxItems or Marker is a 400 or an empty page, never a 500', T, async () => {
    for (const q of ['MaxItems=0', 'MaxItems=abc', 'MaxItems=-1', 'Marker=%00garbage']) {
      const r = await rawRequest(kumo.endpoint, 'GET', `/2015-03-31/functions/?${q}`);
      assert.ok(r.status === 400 || r.status === 200, `${q} answered ${r.status}: ${r.text}`);
      if (r.status === 400) {
        assertErrorShape(r);
      }
    }
  });
});

describe('updates and delete', () => {
  test('UpdateFunctionCode: the next invocation runs the new code', T, async () => {
    const name = uniqueName('code');
    await create({ FunctionName: name });
    assert.equal((await invoke(client, name, {})).json.tag, 'v1');
    const zip2 = zipFiles({ 'app.py': APP_PY('v2') });
    const out = await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip2 }));
    assert.equal(out.CodeSha256, sha256Base64(zip2));
    assert.equal(out.CodeSize, zip2.length);
    assert.equal((await invoke(client, name, {})).json.tag, 'v2');
    // A bad zip is refused and the current code keeps running.
    const err = await expectReject(() => client.send(new UpdateFunctionCodeCommand({
      FunctionName: name, ZipFile: Buffer.from('not a zip'),
    })));
    assert.equal(err.name, 'InvalidParameterValueException');
    const got = await client.send(new GetFunctionCommand({ FunctionName: name }));
    assert.equal(got.Configuration.CodeSha256, sha256Base64(zip2));
    assert.equal((await invoke(client, name, {})).json.tag, 'v2');
  });

  test('an update during an invocation: it finishes on the old code, the next runs the new', T, async () => {
    const SLOW = (tag) => `
import time

def handler(event, context):
    if event.get("sleep"):
        print("busy ${tag}", flush=True)
        time.sleep(event["sleep"])
    return {"tag": "${tag}"}
`;
    const name = uniqueName('midflight');
    await create({ FunctionName: name, Timeout: 10, Code: { ZipFile: zipFiles({ 'app.py': SLOW('old') }) } });
    const pending = invoke(client, name, { sleep: 2 });
    await waitForLog(kumo.endpoint, name, /busy old/);
    await client.send(new UpdateFunctionCodeCommand({
      FunctionName: name, ZipFile: zipFiles({ 'app.py': SLOW('new') }),
    }));
    const fresh = await invoke(client, name, {});
    assert.equal(fresh.functionError, undefined, fresh.text);
    assert.deepEqual(fresh.json, { tag: 'new' });
    const old = await pending;
    assert.equal(old.functionError, undefined, old.text);
    assert.deepEqual(old.json, { tag: 'old' });
  });

  test('UpdateFunctionConfiguration: memory, timeout, env reach the next invocation', T, async () => {
    const name = uniqueName('conf');
    await create({ FunctionName: name, Environment: { Variables: { COLOR: 'red' } } });
    const r1 = await invoke(client, name, {});
    assert.deepEqual([r1.json.color, r1.json.memory], ['red', 128]);
    assert.ok(r1.json.remaining <= 3000);
    const out = await client.send(new UpdateFunctionConfigurationCommand({
      FunctionName: name, MemorySize: 512, Timeout: 20, Environment: { Variables: { COLOR: 'green' } },
    }));
    assert.equal(out.MemorySize, 512);
    assert.equal(out.Timeout, 20);
    assert.deepEqual(out.Environment?.Variables, { COLOR: 'green' });
    const r2 = await invoke(client, name, {});
    assert.equal(r2.functionError, undefined, r2.text);
    assert.deepEqual([r2.json.color, r2.json.memory], ['green', 512]);
    assert.ok(r2.json.remaining > 3000 && r2.json.remaining <= 20000, `remaining ${r2.json.remaining}`);
    // Out-of-range settings are refused and change nothing.
    for (const bad of [{ MemorySize: 64 }, { Timeout: 1000 }, { Runtime: 'cobol85' }]) {
      const err = await expectReject(() => client.send(new UpdateFunctionConfigurationCommand({
        FunctionName: name, ...bad,
      })), JSON.stringify(bad));
      assert.equal(err.name, 'InvalidParameterValueException', JSON.stringify(bad));
    }
    const got = (await client.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
    assert.deepEqual([got.MemorySize, got.Timeout, got.Runtime], [512, 20, 'python3.12']);
  });

  test('instances of old code are retired after an update, and all after a delete', T, async () => {
    const name = uniqueName('retire');
    await create({ FunctionName: name });
    const before = new Set(descendants(kumo.pid).map((p) => p.pid));
    assert.equal((await invoke(client, name, {})).json.tag, 'v1');
    const v1 = descendants(kumo.pid).filter((p) => !before.has(p.pid));
    assert.ok(v1.length >= 1, 'no new instance process for the first invocation');
    await client.send(new UpdateFunctionCodeCommand({
      FunctionName: name, ZipFile: zipFiles({ 'app.py': APP_PY('v2') }),
    }));
    assert.equal((await invoke(client, name, {})).json.tag, 'v2');
    // Retiring happens in the background once the instance is idle: allow a bounded while.
    await waitUntil(() => stillRunning(v1).length === 0, 5000);
    assert.deepEqual(stillRunning(v1), [], 'the v1 instance still runs after the update');
    const v2 = descendants(kumo.pid).filter((p) => !before.has(p.pid));
    assert.ok(v2.length >= 1, 'no instance for v2');
    await client.send(new DeleteFunctionCommand({ FunctionName: name }));
    await waitUntil(() => stillRunning(v2).length === 0, 5000);
    assert.deepEqual(stillRunning(v2), [], 'instances still run after DeleteFunction');
  });

  test('DeleteFunction: 204, then 404 everywhere, and the name can be reused', T, async () => {
    const name = uniqueName('del');
    await create({ FunctionName: name });
    await invoke(client, name, {});
    const out = await client.send(new DeleteFunctionCommand({ FunctionName: name }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    await assertAbsent(name);
    const err = await expectReject(() => invoke(client, name, {}));
    assert.equal(err.name, 'ResourceNotFoundException');
    assert.ok(!(await listAll()).some((f) => f.FunctionName === name));
    await create({ FunctionName: name, Code: { ZipFile: zipFiles({ 'app.py': APP_PY('again') }) } });
    assert.equal((await invoke(client, name, {})).json.tag, 'again');
  });
});

async function waitUntil(cond, ms) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assertErrorShape(r) {
  assert.ok(r.headers.get('x-amzn-errortype'), `no X-Amzn-ErrorType on ${r.status}: ${r.text}`);
  assert.ok(r.json && typeof r.json === 'object', `error body is not JSON: ${r.text}`);
  assert.equal(typeof r.json.Message, 'string', `no Message: ${r.text}`);
  assert.equal(typeof r.json.Type, 'string', `no Type: ${r.text}`);
}

async function listAll() {
  const out = [];
  let marker;
  do {
    const page = await client.send(new ListFunctionsCommand({ Marker: marker }));
    out.push(...page.Functions);
    marker = page.NextMarker;
  } while (marker);
  return out;
}

function findFiles(dir, needle) {
  const hits = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.name.includes(needle)) {
      hits.push(p);
    }
    if (e.isDirectory()) {
      hits.push(...findFiles(p, needle));
    }
  }
  return hits;
}
