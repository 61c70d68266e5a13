// `kumo deploy` of a kumo.yaml project (examples/rest-api) against the real server: the first
// deploy creates functions, routes and CORS that answer on the gateway; a second deploy changes
// nothing; a changed handler updates only that function's code; --dry-run changes nothing; a
// function removed from the file is deleted while functions outside the project are never
// touched; a broken file fails with its line.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import {
  KUMO_BIN, SOURCE_DIR, startKumo, lambdaClient, rawRequest, runToEnd, zipFiles, expectReject,
  waitForGateway,
} from './harness.mjs';

const T = { timeout: 120000 };

let kumo;
let client;
let gateway;
let workDir;
let projectDir;

before(async () => {
  kumo = await startKumo({ args: ['--gateway-listen', '127.0.0.1:0'] });
  client = lambdaClient(kumo.endpoint);
  gateway = await waitForGateway(kumo);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-project-'));
  projectDir = path.join(workDir, 'rest-api');
  fs.cpSync(path.join(SOURCE_DIR, 'examples', 'rest-api'), projectDir, { recursive: true });
  fs.rmSync(path.join(projectDir, 'items', '__pycache__'), { recursive: true, force: true });
  fs.rmSync(path.join(projectDir, 'hello', '__pycache__'), { recursive: true, force: true });
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

function deploy(args = [], { cwd = projectDir } = {}) {
  const proc = spawn(KUMO_BIN, ['deploy', ...args], {
    cwd,
    env: { ...process.env, KUMO_ENDPOINT: kumo.endpoint },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return runToEnd(proc, { timeoutMs: 60000 });
}

function lines(r) {
  return r.stdout.trim().split('\n');
}

async function config(name) {
  return (await client.send(new GetFunctionCommand({ FunctionName: name }))).Configuration;
}

async function call(method, target, { headers = {}, body } = {}) {
  return rawRequest(gateway, method, target, { headers, body });
}

function assertOneLineError(r, re) {
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  const errLines = r.stderr.trim().split('\n');
  assert.equal(errLines.length, 1, r.stderr);
  assert.match(errLines[0], re);
}

test('the first deploy creates the functions, their routes and CORS', T, async () => {
  const r = await deploy();
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['+ cors (created)', '+ hello (created)', '+ items (created)']);
  const items = await config('items');
  assert.equal(items.Description, 'kumo-project:rest-api items CRUD kept in memory');
  assert.deepEqual([items.Runtime, items.Handler, items.MemorySize, items.Timeout],
      ['python3.12', 'app.handler', 128, 5]);
  assert.deepEqual(items.Environment.Variables, { MAX_ITEMS: '1000' });
  const routes = await rawRequest(kumo.endpoint, 'GET', '/kumo/v1/functions/items/routes');
  assert.deepEqual(routes.json.Routes.map((x) => `${x.RouteKey} ${x.Auth}`).sort(),
      ['DELETE /items/{id} api_key', 'GET /items none', 'GET /items/{id} none',
        'POST /items api_key']);
  const concurrency = await rawRequest(kumo.endpoint, 'GET',
      '/2019-09-30/functions/items/concurrency');
  assert.equal(concurrency.json.ReservedConcurrentExecutions, 1);
  const settings = await rawRequest(kumo.endpoint, 'GET', '/kumo/v1/functions/items/settings');
  assert.equal(settings.json.KeepAliveSeconds, 600);
});

test('the deployed API answers on the gateway', T, async () => {
  const hello = await call('GET', '/hello/kumo');
  assert.equal(hello.status, 200, hello.text);
  assert.deepEqual(hello.json, { message: 'hello kumo', path: '/hello/kumo' });
  assert.equal((await call('GET', '/hello')).json.message, 'hello world');

  const anonymous = await call('POST', '/items', { body: '{"name":"pen"}' });
  assert.ok([401, 403].includes(anonymous.status), `${anonymous.status} ${anonymous.text}`);
  const key = await rawRequest(kumo.endpoint, 'POST', '/kumo/v1/api-keys', {
    headers: { 'content-type': 'application/json' }, body: '{"Name":"project-test"}',
  });
  assert.equal(key.status, 201, key.text);
  const auth = { 'x-api-key': key.json.Value, 'content-type': 'application/json' };
  const created = await call('POST', '/items', { headers: auth, body: '{"name":"pen"}' });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.name, 'pen');
  const id = created.json.id;
  const got = await call('GET', `/items/${id}`);
  assert.deepEqual([got.status, got.json], [200, { id, name: 'pen' }]);
  assert.deepEqual((await call('GET', '/items')).json, { items: [{ id, name: 'pen' }] });
  assert.equal((await call('DELETE', `/items/${id}`, { headers: auth })).status, 204);
  assert.equal((await call('GET', `/items/${id}`)).status, 404);

  const preflight = await call('OPTIONS', '/items', {
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
  });
  assert.ok(preflight.status === 204 || preflight.status === 200, `${preflight.status}`);
  assert.ok(preflight.headers.get('access-control-allow-origin'), 'no CORS answer to preflight');
});

test('a second deploy changes nothing', T, async () => {
  const before = [await config('items'), await config('hello')];
  const r = await deploy();
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['= cors (unchanged)', '= hello (unchanged)', '= items (unchanged)']);
  const now = [await config('items'), await config('hello')];
  assert.deepEqual(now.map((c) => c.RevisionId), before.map((c) => c.RevisionId));
});

test('a changed handler updates only that function\'s code', T, async () => {
  const items = await config('items');
  const hello = await config('hello');
  fs.writeFileSync(path.join(projectDir, 'hello', 'app.py'),
      'def handler(event, context):\n    return {"message": "changed"}\n');
  const r = await deploy();
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['= cors (unchanged)', '~ hello (code)', '= items (unchanged)']);
  assert.equal((await config('items')).RevisionId, items.RevisionId);
  assert.notEqual((await config('hello')).CodeSha256, hello.CodeSha256);
  assert.deepEqual((await call('GET', '/hello')).json, { message: 'changed' });
});

test('--dry-run prints the plan and changes nothing', T, async () => {
  const items = await config('items');
  fs.appendFileSync(path.join(projectDir, 'items', 'app.py'), '\n# touched\n');
  const r = await deploy(['--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['= cors (unchanged)', '= hello (unchanged)', '~ items (code)',
    'dry run: nothing was changed']);
  const after = await config('items');
  assert.equal(after.CodeSha256, items.CodeSha256);
  assert.equal(after.RevisionId, items.RevisionId);
});

test('a function removed from the file is deleted; others are never touched', T, async () => {
  const zip = zipFiles({ 'app.py': 'def handler(e, c):\n    return 1\n' });
  await client.send(new CreateFunctionCommand({
    FunctionName: 'stranger', Runtime: 'python3.12', Handler: 'app.handler',
    Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: zip },
  }));
  const text = fs.readFileSync(path.join(projectDir, 'kumo.yaml'), 'utf8');
  const withoutHello = text.replace(/\n {2}hello:\n(?: {4}.*\n| {6}.*\n)+/, '\n');
  assert.ok(!/^ {2}hello:/m.test(withoutHello), 'test bug: hello still in the file');
  fs.writeFileSync(path.join(projectDir, 'smaller.yaml'), withoutHello);
  const r = await deploy(['--file', 'smaller.yaml']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['= cors (unchanged)', '~ items (code)', '- hello (deleted)']);
  const gone = await expectReject(
      () => client.send(new GetFunctionCommand({ FunctionName: 'hello' })), 'GetFunction hello');
  assert.equal(gone.name, 'ResourceNotFoundException');
  assert.equal((await config('stranger')).FunctionName, 'stranger');
  assert.equal((await call('GET', '/hello')).status, 404);
});

test('a function of the file\'s name outside the project is refused', T, async () => {
  const dir = path.join(workDir, 'clash');
  fs.mkdirSync(path.join(dir, 'code'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'code', 'app.py'), 'def handler(e, c):\n    return 2\n');
  fs.writeFileSync(path.join(dir, 'kumo.yaml'),
      'functions:\n  stranger:\n    runtime: python3.12\n    handler: app.handler\n' +
      '    code: code\n');
  const before = await config('stranger');
  assertOneLineError(await deploy([], { cwd: dir }),
      /^kumo: function "stranger" already exists and is not part of project "clash"/);
  assert.equal((await config('stranger')).RevisionId, before.RevisionId);
});

test('a broken file fails with its line and column, before any change', T, async () => {
  const dir = path.join(workDir, 'broken');
  fs.mkdirSync(path.join(dir, 'code'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'kumo.yaml'),
      'functions:\n  f:\n    runtime: python3.12\n    handler: app.handler\n    code: code\n' +
      '    memroy: 256\n');
  assertOneLineError(await deploy([], { cwd: dir }),
      /^kumo: kumo\.yaml:6:5: unknown key "memroy" in function "f" \(expected one of: .*memory/);
  const never = await expectReject(
      () => client.send(new GetFunctionCommand({ FunctionName: 'f' })), 'GetFunction f');
  assert.equal(never.name, 'ResourceNotFoundException');
  assertOneLineError(await deploy([], { cwd: workDir }), /^kumo: no kumo\.yaml here/);
});
