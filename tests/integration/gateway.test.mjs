// Issue 5: the API gateway. HTTP routes on their own listener, API Gateway's payload format 2.0
// event exactly, the result mapping, every error status, API keys, JWT authorizers (HS256 and
// RS256 from a JWKS file), rate limits, CORS preflight and the access log. Called with curl and
// with fetch.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CreateFunctionCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { startKumo, lambdaClient, zipFiles, uniqueName, rawRequest } from './harness.mjs';

const APP = `
import json, time
def handler(event, context):
    path = event["rawPath"]
    if path.startswith("/echo"):
        return {"statusCode": 200, "headers": {"content-type": "application/json"},
                "body": json.dumps(event)}
    if path == "/created":
        return {"statusCode": 201, "headers": {"x-made": "yes"}, "cookies": ["a=1", "b=2"],
                "body": "made"}
    if path == "/binary":
        return {"statusCode": 200, "body": "AAEC", "isBase64Encoded": True,
                "headers": {"content-type": "application/octet-stream"}}
    if path == "/plain":
        return {"hello": "world"}
    if path == "/fail":
        raise RuntimeError("boom")
    if path == "/slow":
        time.sleep(3)
    return {"statusCode": 200, "body": "ok"}
`;

function b64url(buf) {
  return Buffer.from(buf).toString('base64url');
}

function hs256(claims, secret) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(sig)}`;
}

function rs256(claims, privateKey, kid) {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(claims));
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), privateKey);
  return `${head}.${body}.${b64url(sig)}`;
}

function curl(args) {
  const r = spawnSync('curl', ['-s', '-i', '--max-time', '20', ...args]);
  const text = r.stdout.toString();
  const [head, ...rest] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), head, body: rest.join('\r\n\r\n') };
}

async function gatewayUrl(kumo) {
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    const m = kumo.output().match(/kumo gateway listening on (http:\/\/[\d.]+:\d+)/);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no gateway line in:\n' + kumo.output());
}

async function putJson(endpoint, target, body) {
  return rawRequest(endpoint, 'PUT', target,
      { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

describe('gateway', () => {
  let kumo;
  let gw;
  let client;
  const fn = uniqueName('api');
  const secret = crypto.randomBytes(32).toString('hex');
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwksFile;

  before(async () => {
    kumo = await startKumo({ args: ['--gateway-listen', '127.0.0.1:0'] });
    gw = await gatewayUrl(kumo);
    client = lambdaClient(kumo.endpoint);
    await client.send(new CreateFunctionCommand({
      FunctionName: fn, Runtime: 'python3.12', Handler: 'app.handler', Timeout: 1,
      Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: zipFiles({ 'app.py': APP }) },
    }));
    jwksFile = path.join(kumo.dataDir, 'jwks.json');
    const jwk = publicKey.export({ format: 'jwk' });
    fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    for (const [name, body] of [
      ['hs', { Issuer: 'https://issuer.test', Audience: ['my-api'], HS256Secret: secret }],
      ['rs', { Issuer: 'https://issuer.test', Audience: ['my-api'], JwksFile: jwksFile }]]) {
      const r = await putJson(kumo.endpoint, `/kumo/v1/gateway/authorizers/${name}`, body);
      assert.equal(r.status, 200, r.text);
    }
    const routes = await putJson(kumo.endpoint, `/kumo/v1/functions/${fn}/routes`, { Routes: [
      { RouteKey: 'GET /echo/{id}' },
      { RouteKey: 'POST /echo/{id}' },
      { RouteKey: 'ANY /echo/files/{path+}' },
      { RouteKey: 'GET /created' }, { RouteKey: 'GET /binary' }, { RouteKey: 'GET /plain' },
      { RouteKey: 'GET /fail' }, { RouteKey: 'GET /slow' },
      { RouteKey: 'GET /keyed', Auth: 'api_key' },
      { RouteKey: 'GET /jwt', Auth: 'jwt:hs' },
      { RouteKey: 'GET /jwt-rs', Auth: 'jwt:rs' },
      { RouteKey: 'GET /limited', RateLimit: { RequestsPerSecond: 0.01, Burst: 2 } },
      { RouteKey: 'POST /big' },
    ] });
    assert.equal(routes.status, 200, routes.text);
  });
  after(async () => kumo?.cleanup());

  test('the function receives API Gateway\'s payload format 2.0 event', async () => {
    const r = curl(['-X', 'POST', `${gw}/echo/42?a=1&b=x%20y&a=2`, '-H', 'X-Multi: one',
      '-H', 'X-Multi: two', '-H', 'Cookie: c1=v1; c2=v2', '-H', 'content-type: application/json',
      '-d', '{"k":"v"}']);
    assert.equal(r.status, 200, r.head + r.body);
    const e = JSON.parse(r.body);
    assert.equal(e.version, '2.0');
    assert.equal(e.routeKey, 'POST /echo/{id}');
    assert.equal(e.rawPath, '/echo/42');
    assert.equal(e.rawQueryString, 'a=1&b=x%20y&a=2');
    assert.deepEqual(e.cookies, ['c1=v1', 'c2=v2']);
    assert.equal(e.headers['x-multi'], 'one,two');
    assert.equal(e.headers['content-type'], 'application/json');
    assert.equal(e.headers.cookie, undefined);
    assert.deepEqual(e.queryStringParameters, { a: '1,2', b: 'x y' });
    assert.deepEqual(e.pathParameters, { id: '42' });
    assert.equal(e.body, '{"k":"v"}');
    assert.equal(e.isBase64Encoded, false);
    const rc = e.requestContext;
    assert.equal(rc.http.method, 'POST');
    assert.equal(rc.http.path, '/echo/42');
    assert.equal(rc.http.sourceIp, '127.0.0.1');
    assert.match(rc.http.userAgent, /curl/);
    assert.equal(rc.routeKey, 'POST /echo/{id}');
    assert.equal(rc.stage, '$default');
    assert.match(rc.time, /^\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.ok(Math.abs(rc.timeEpoch - Date.now()) < 60000);
    assert.match(r.head, new RegExp(`apigw-requestid: ${rc.requestId}`, 'i'));
  });

  test('greedy paths, binary bodies and the most specific route', async () => {
    const r = await fetch(`${gw}/echo/files/a/b/c.txt`, { method: 'PUT',
      body: Buffer.from([0, 255, 1]), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(r.status, 200);
    const e = await r.json();
    assert.equal(e.routeKey, 'ANY /echo/files/{path+}');
    assert.deepEqual(e.pathParameters, { path: 'a/b/c.txt' });
    assert.equal(e.isBase64Encoded, true);
    assert.equal(e.body, 'AP8B');
  });

  test('results map back as API Gateway maps them', async () => {
    const made = await fetch(`${gw}/created`);
    assert.equal(made.status, 201);
    assert.equal(made.headers.get('x-made'), 'yes');
    assert.deepEqual(made.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.equal(await made.text(), 'made');
    const bin = await fetch(`${gw}/binary`);
    assert.deepEqual([...Buffer.from(await bin.arrayBuffer())], [0, 1, 2]);
    const plain = await fetch(`${gw}/plain`);
    assert.equal(plain.status, 200);
    assert.match(plain.headers.get('content-type'), /application\/json/);
    assert.deepEqual(await plain.json(), { hello: 'world' });
  });

  test('errors: 502 function error, 504 timeout, 404 no route, 413 too big, 429 throttled',
      async () => {
        const fail = await fetch(`${gw}/fail`);
        assert.equal(fail.status, 502);
        assert.deepEqual(await fail.json(), { message: 'Internal Server Error' });
        const slow = await fetch(`${gw}/slow`);
        assert.equal(slow.status, 504);
        assert.ok((await slow.json()).message);
        const none = await fetch(`${gw}/nowhere`);
        assert.equal(none.status, 404);
        assert.deepEqual(await none.json(), { message: 'Not Found' });
        const big = await fetch(`${gw}/big`, { method: 'POST', body: 'x'.repeat(7 * 1024 * 1024) });
        assert.equal(big.status, 413);
        assert.ok((await big.json()).message);
        await client.send(new PutFunctionConcurrencyCommand({
          FunctionName: fn, ReservedConcurrentExecutions: 0 }));
        const throttled = await fetch(`${gw}/plain`);
        assert.equal(throttled.status, 429);
        assert.ok((await throttled.json()).message);
        await rawRequest(kumo.endpoint, 'DELETE', `/2017-10-31/functions/${fn}/concurrency`);
        assert.equal((await fetch(`${gw}/plain`)).status, 200);
      });

  test('API keys: missing 401, wrong 403, valid 200, revoked 403; stored hashed', async () => {
    const made = await rawRequest(kumo.endpoint, 'POST', '/kumo/v1/api-keys',
        { body: JSON.stringify({ Name: 'ci' }), headers: { 'content-type': 'application/json' } });
    assert.equal(made.status, 201, made.text);
    const key = made.json.Value;
    assert.ok(key.length >= 30);
    const list = await rawRequest(kumo.endpoint, 'GET', '/kumo/v1/api-keys');
    assert.ok(list.json.Items.some((k) => k.Id === made.json.Id && !('Value' in k)));
    assert.ok(!fs.readFileSync(path.join(kumo.dataDir, 'kumo.db')).includes(key),
        'the key itself is not in the database');
    assert.equal((await fetch(`${gw}/keyed`)).status, 401);
    assert.equal((await fetch(`${gw}/keyed`, { headers: { 'x-api-key': 'nope' } })).status, 403);
    assert.equal(curl([`${gw}/keyed`, '-H', `x-api-key: ${key}`]).status, 200);
    const del = await rawRequest(kumo.endpoint, 'DELETE', `/kumo/v1/api-keys/${made.json.Id}`);
    assert.equal(del.status, 204);
    assert.equal((await fetch(`${gw}/keyed`, { headers: { 'x-api-key': key } })).status, 403);
  });

  test('JWT (HS256): claims reach the function; expired, bad signature, wrong audience 401',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        const good = { iss: 'https://issuer.test', aud: 'my-api', sub: 'user-1', exp: now + 600,
          scope: 'read write' };
        await putJson(kumo.endpoint, `/kumo/v1/functions/${fn}/routes`, { Routes: [
          { RouteKey: 'GET /echo/{id}', Auth: 'jwt:hs' }, { RouteKey: 'GET /fail' },
        ] });
        const ok = await fetch(`${gw}/echo/1`, { headers: { authorization: `Bearer ${hs256(good, secret)}` } });
        assert.equal(ok.status, 200);
        const e = await ok.json();
        assert.equal(e.requestContext.authorizer.jwt.claims.sub, 'user-1');
        assert.deepEqual(e.requestContext.authorizer.jwt.scopes, ['read', 'write']);
        const bad = async (token) => (await fetch(`${gw}/echo/1`,
            { headers: { authorization: `Bearer ${token}` } })).status;
        assert.equal((await fetch(`${gw}/echo/1`)).status, 401);
        assert.equal(await bad(hs256({ ...good, exp: now - 600 }, secret)), 401);
        assert.equal(await bad(hs256(good, 'another-secret-of-enough-length-000')), 401);
        assert.equal(await bad(hs256({ ...good, aud: 'other' }, secret)), 401);
        assert.equal(await bad(hs256({ ...good, iss: 'https://evil.test' }, secret)), 401);
        assert.equal(await bad('not.a.token'), 401);
      });

  test('JWT (RS256 from a JWKS file)', async () => {
    await putJson(kumo.endpoint, `/kumo/v1/functions/${fn}/routes`, { Routes: [
      { RouteKey: 'GET /jwt-rs', Auth: 'jwt:rs' }, { RouteKey: 'GET /plain' },
    ] });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://issuer.test', aud: ['my-api'], sub: 'u2', exp: now + 600 };
    const ok = await fetch(`${gw}/jwt-rs`, { headers: { authorization: `Bearer ${rs256(claims, privateKey, 'k1')}` } });
    assert.equal(ok.status, 200);
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await fetch(`${gw}/jwt-rs`, { headers: { authorization: `Bearer ${rs256(claims, other, 'k1')}` } });
    assert.equal(forged.status, 401);
  });

  test('rate limits answer 429 with Retry-After', async () => {
    await putJson(kumo.endpoint, `/kumo/v1/functions/${fn}/routes`, { Routes: [
      { RouteKey: 'GET /limited', RateLimit: { RequestsPerSecond: 0.01, Burst: 2 } },
    ] });
    const statuses = [];
    let retry;
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${gw}/limited`);
      statuses.push(r.status);
      if (r.status === 429) retry = r.headers.get('retry-after');
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.ok(Number(retry) >= 1);
  });

  test('CORS: preflight answered by the gateway, headers on actual requests', async () => {
    await putJson(kumo.endpoint, `/kumo/v1/functions/${fn}/routes`, { Routes: [
      { RouteKey: 'GET /plain' },
    ] });
    const set = await putJson(kumo.endpoint, '/kumo/v1/gateway/cors', {
      AllowOrigins: ['https://a.example'], AllowMethods: ['GET', 'POST'],
      AllowHeaders: ['content-type'], MaxAge: 600 });
    assert.equal(set.status, 200, set.text);
    const pre = await fetch(`${gw}/plain`, { method: 'OPTIONS', headers: {
      origin: 'https://a.example', 'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://a.example');
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    assert.equal(pre.headers.get('access-control-max-age'), '600');
    const denied = await fetch(`${gw}/plain`, { method: 'OPTIONS', headers: {
      origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    const actual = await fetch(`${gw}/plain`, { headers: { origin: 'https://a.example' } });
    assert.equal(actual.status, 200);
    assert.equal(actual.headers.get('access-control-allow-origin'), 'https://a.example');
    await rawRequest(kumo.endpoint, 'DELETE', '/kumo/v1/gateway/cors');
  });

  test('bad configuration is refused clearly', async () => {
    const bad = async (body) => (await putJson(kumo.endpoint, `/kumo/v1/functions/${fn}/routes`,
        { Routes: [body] }));
    assert.equal((await bad({ RouteKey: 'FETCH /x' })).status, 400);
    assert.equal((await bad({ RouteKey: 'GET /{a+}/b' })).status, 400);
    assert.equal((await bad({ RouteKey: 'GET /x', Auth: 'jwt:missing' })).status, 400);
    assert.equal((await bad({ RouteKey: 'GET /x', Auth: 'magic' })).status, 400);
    const other = uniqueName('other');
    await client.send(new CreateFunctionCommand({
      FunctionName: other, Runtime: 'python3.12', Handler: 'app.handler',
      Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: zipFiles({ 'app.py': APP }) },
    }));
    const taken = await putJson(kumo.endpoint, `/kumo/v1/functions/${other}/routes`,
        { Routes: [{ RouteKey: 'GET /plain' }] });
    assert.equal(taken.status, 409);
    assert.equal(taken.headers.get('x-amzn-errortype'), 'ResourceConflictException');
    const authorizer = await putJson(kumo.endpoint, '/kumo/v1/gateway/authorizers/x',
        { Issuer: 'i', Audience: ['a'] });
    assert.equal(authorizer.status, 400);
  });

  test('one JSON access-log line per request', async () => {
    await fetch(`${gw}/plain`);
    const lines = fs.readFileSync(path.join(kumo.dataDir, 'access.log'), 'utf8').trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]);
    for (const k of ['time', 'method', 'path', 'route', 'status', 'latencyMs', 'function', 'requestId']) {
      assert.ok(k in last, `access log has ${k}: ${lines[lines.length - 1]}`);
    }
    assert.equal(last.path, '/plain');
    assert.equal(last.function, fn);
  });
});
