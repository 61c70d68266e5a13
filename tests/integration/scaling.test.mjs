// Issue 4: scaling out per request, throttling, the memory budget, keep-alive and scale to zero,
// provisioned concurrency. Real server, real instances; assertions are about behaviour (how many
// instances served, what was refused, what was cold), never about wall-clock speed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  CreateFunctionCommand, PutFunctionConcurrencyCommand, GetFunctionConcurrencyCommand,
  DeleteFunctionConcurrencyCommand, PublishVersionCommand,
  PutProvisionedConcurrencyConfigCommand, GetProvisionedConcurrencyConfigCommand,
  DeleteProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import {
  startKumo, lambdaClient, zipFiles, uniqueName, invoke, expectReject, rawRequest,
  waitForLog,
} from './harness.mjs';

// Sleeps `sleep` seconds and says which instance served it.
const SLEEPER = `
import os, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return {"instance": os.environ["AWS_LAMBDA_LOG_STREAM_NAME"].rsplit("]", 1)[1]}
`;

async function createSleeper(client, name, extra = {}) {
  await client.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'python3.12', Handler: 'app.handler',
    Role: 'arn:aws:iam::000000000000:role/x', Timeout: 30,
    Code: { ZipFile: zipFiles({ 'app.py': SLEEPER }) }, ...extra,
  }));
}

// Invokes through plain HTTP to see kumo's X-Kumo-Start-Type header too.
async function rawInvoke(endpoint, name, payload, qualifier) {
  const q = qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : '';
  const r = await rawRequest(endpoint, 'POST', `/2015-03-31/functions/${name}/invocations${q}`,
      { body: JSON.stringify(payload), headers: { 'X-Amz-Log-Type': 'Tail' } });
  const tail = r.headers.get('x-amz-log-result');
  return {
    ...r,
    start: r.headers.get('x-kumo-start-type'),
    log: tail ? Buffer.from(tail, 'base64').toString() : '',
  };
}

function liveInstances(pid) {
  const scope = `/sys/fs/cgroup/memory/kumo/s${pid}`;
  if (!fs.existsSync(scope)) return 0;
  return fs.readdirSync(scope, { withFileTypes: true }).filter((e) => e.isDirectory()).length;
}

async function until(what, fn, deadlineMs = 20000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('scale out and reuse', () => {
  let kumo;
  let client;
  before(async () => {
    kumo = await startKumo();
    client = lambdaClient(kumo.endpoint);
  });
  after(async () => kumo?.cleanup());

  test('concurrent calls run on separate instances, then reuse them warm', async () => {
    const name = uniqueName('fanout');
    await createSleeper(client, name);
    const first = await Promise.all(Array.from({ length: 20 },
        () => rawInvoke(kumo.endpoint, name, { sleep: 1 })));
    for (const r of first) assert.equal(r.status, 200, r.text);
    const instances = new Set(first.map((r) => r.json.instance));
    assert.equal(instances.size, 20, 'each concurrent call got its own instance');
    assert.ok(first.every((r) => r.start === 'cold'));
    assert.ok(first.every((r) => /Init Duration: [\d.]+ ms/.test(r.log)), 'cold REPORT has init');
    const second = await Promise.all(Array.from({ length: 20 },
        () => rawInvoke(kumo.endpoint, name, { sleep: 0.2 })));
    for (const r of second) {
      assert.equal(r.status, 200, r.text);
      assert.equal(r.start, 'warm');
      assert.ok(instances.has(r.json.instance), 'served by one of the warm instances');
      assert.ok(!/Init Duration/.test(r.log), 'a warm REPORT has no Init Duration');
    }
  });

  test('a burst from zero to 200 concurrent calls loses none', async () => {
    const name = uniqueName('burst');
    await createSleeper(client, name);
    const results = await Promise.all(Array.from({ length: 200 },
        (_, i) => rawInvoke(kumo.endpoint, name, { sleep: 0.3, i })));
    const failed = results.filter((r) => r.status !== 200 || r.json?.instance === undefined);
    assert.equal(failed.length, 0, `failed: ${failed.slice(0, 3).map((r) => r.text).join(' | ')}`);
    const instances = new Set(results.map((r) => r.json.instance));
    assert.ok(instances.size > 1 && instances.size <= 200, `${instances.size} instances`);
  });
});

describe('throttling', () => {
  let kumo;
  let client;
  before(async () => {
    kumo = await startKumo({ args: ['--max-concurrency', '3'] });
    client = lambdaClient(kumo.endpoint);
  });
  after(async () => kumo?.cleanup());

  test('calls over the server-wide limit get 429 ConcurrentInvocationLimitExceeded', async () => {
    const name = uniqueName('limit');
    await createSleeper(client, name);
    const results = await Promise.all(Array.from({ length: 5 },
        () => rawInvoke(kumo.endpoint, name, { sleep: 2 })));
    const ok = results.filter((r) => r.status === 200);
    const throttled = results.filter((r) => r.status === 429);
    assert.equal(ok.length, 3);
    assert.equal(throttled.length, 2);
    for (const r of throttled) {
      assert.equal(r.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
      assert.equal(r.json.Reason, 'ConcurrentInvocationLimitExceeded');
    }
    // The calls in flight were not harmed and the limit frees up once they are answered.
    assert.equal((await rawInvoke(kumo.endpoint, name, {})).status, 200);
  });

  test('reserved concurrency caps a function, 0 throttles it, delete lifts it', async () => {
    const name = uniqueName('reserved');
    await createSleeper(client, name);
    const put = await client.send(new PutFunctionConcurrencyCommand({
      FunctionName: name, ReservedConcurrentExecutions: 1 }));
    assert.equal(put.ReservedConcurrentExecutions, 1);
    const got = await client.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
    assert.equal(got.ReservedConcurrentExecutions, 1);
    const [a, b] = await Promise.all([
      rawInvoke(kumo.endpoint, name, { sleep: 1 }), rawInvoke(kumo.endpoint, name, { sleep: 1 })]);
    assert.deepEqual([a.status, b.status].sort(), [200, 429]);
    const refused = a.status === 429 ? a : b;
    assert.equal(refused.json.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');

    await client.send(new PutFunctionConcurrencyCommand({
      FunctionName: name, ReservedConcurrentExecutions: 0 }));
    const err = await expectReject(() => invoke(client, name, {}), 'a throttled call');
    assert.equal(err.name, 'TooManyRequestsException');

    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
    assert.equal((await rawInvoke(kumo.endpoint, name, {})).status, 200);
    const none = await client.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
    assert.equal(none.ReservedConcurrentExecutions, undefined);
  });

  test('a reservation above the server limit is refused', async () => {
    const name = uniqueName('toomuch');
    await createSleeper(client, name);
    const err = await expectReject(() => client.send(new PutFunctionConcurrencyCommand({
      FunctionName: name, ReservedConcurrentExecutions: 4 })), 'an impossible reservation');
    assert.equal(err.name, 'InvalidParameterValueException');
    const missing = await expectReject(() => client.send(new PutFunctionConcurrencyCommand({
      FunctionName: 'nope-' + name, ReservedConcurrentExecutions: 1 })), 'unknown function');
    assert.equal(missing.name, 'ResourceNotFoundException');
  });
});

describe('memory budget', () => {
  let kumo;
  let client;
  before(async () => {
    kumo = await startKumo({ args: ['--memory-budget', '256M'] });
    client = lambdaClient(kumo.endpoint);
  });
  after(async () => kumo?.cleanup());

  test('an idle instance of another function is stopped to make room', async () => {
    const small = uniqueName('small');
    const big = uniqueName('big');
    await createSleeper(client, small, { MemorySize: 128 });
    await createSleeper(client, big, { MemorySize: 256 });
    assert.equal((await rawInvoke(kumo.endpoint, small, {})).start, 'cold');
    assert.equal((await rawInvoke(kumo.endpoint, small, {})).start, 'warm');
    const b = await rawInvoke(kumo.endpoint, big, {});
    assert.equal(b.status, 200, b.text);
    await waitForLog(kumo.endpoint, small, /stopped to make room/);
    const again = await rawInvoke(kumo.endpoint, small, {});
    assert.equal(again.status, 200, again.text);
    assert.equal(again.start, 'cold', 'the evicted function starts cold again');
  });
});

describe('keep-alive and scale to zero', () => {
  let kumo;
  let client;
  before(async () => {
    kumo = await startKumo({ args: ['--keep-alive', '1s'] });
    client = lambdaClient(kumo.endpoint);
  });
  after(async () => kumo?.cleanup());

  test('an instance idle past the keep-alive stops and the next call is cold', async () => {
    const name = uniqueName('idle');
    await createSleeper(client, name);
    assert.equal((await rawInvoke(kumo.endpoint, name, {})).start, 'cold');
    assert.ok(liveInstances(kumo.pid) >= 1);
    await until('the instance to scale to zero', () => liveInstances(kumo.pid) === 0);
    const r = await rawInvoke(kumo.endpoint, name, {});
    assert.equal(r.start, 'cold');
    assert.match(r.log, /Init Duration/);
  });

  test('a per-function keep-alive overrides the server default', async () => {
    const name = uniqueName('longer');
    await createSleeper(client, name);
    const set = await rawRequest(kumo.endpoint, 'PUT', `/kumo/v1/functions/${name}/settings`,
        { body: JSON.stringify({ KeepAliveSeconds: 600 }),
          headers: { 'content-type': 'application/json' } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.KeepAliveSeconds, 600);
    await rawInvoke(kumo.endpoint, name, {});
    // Well past the server's 1 s default: still warm.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await rawInvoke(kumo.endpoint, name, {})).start, 'warm');
    const bad = await rawRequest(kumo.endpoint, 'PUT', `/kumo/v1/functions/${name}/settings`,
        { body: JSON.stringify({ KeepAliveSeconds: -5 }),
          headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
  });
});

describe('provisioned concurrency', () => {
  let kumo;
  let client;
  before(async () => {
    kumo = await startKumo({ args: ['--keep-alive', '1s'] });
    client = lambdaClient(kumo.endpoint);
  });
  after(async () => kumo?.cleanup());

  test('provisioned instances are ready before traffic, never scale to zero, report no init',
      async () => {
        const name = uniqueName('prov');
        await createSleeper(client, name);
        const v = await client.send(new PublishVersionCommand({ FunctionName: name }));
        const put = await client.send(new PutProvisionedConcurrencyConfigCommand({
          FunctionName: name, Qualifier: v.Version, ProvisionedConcurrentExecutions: 2 }));
        assert.equal(put.RequestedProvisionedConcurrentExecutions, 2);
        assert.ok(['IN_PROGRESS', 'READY'].includes(put.Status));
        await until('provisioned instances to be READY', async () => {
          const s = await client.send(new GetProvisionedConcurrencyConfigCommand({
            FunctionName: name, Qualifier: v.Version }));
          return s.Status === 'READY' && s.AvailableProvisionedConcurrentExecutions === 2;
        });
        // Past the 1 s keep-alive: provisioned instances stay.
        await new Promise((r) => setTimeout(r, 2000));
        const r = await rawInvoke(kumo.endpoint, name, {}, v.Version);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.start, 'provisioned');
        assert.ok(!/Init Duration/.test(r.log), r.log);
        // Over the provisioned count, calls spill to on-demand instances.
        const burst = await Promise.all(Array.from({ length: 4 },
            () => rawInvoke(kumo.endpoint, name, { sleep: 1 }, v.Version)));
        const kinds = burst.map((x) => x.start).sort();
        assert.deepEqual(kinds, ['cold', 'cold', 'provisioned', 'provisioned']);
        await client.send(new DeleteProvisionedConcurrencyConfigCommand({
          FunctionName: name, Qualifier: v.Version }));
        const gone = await expectReject(() => client.send(new GetProvisionedConcurrencyConfigCommand({
          FunctionName: name, Qualifier: v.Version })), 'a deleted config');
        assert.equal(gone.name, 'ProvisionedConcurrencyConfigNotFoundException');
        const latest = await expectReject(() => client.send(new PutProvisionedConcurrencyConfigCommand({
          FunctionName: name, Qualifier: '$LATEST', ProvisionedConcurrentExecutions: 1 })),
        'provisioned on $LATEST');
        assert.equal(latest.name, 'InvalidParameterValueException');
      });
});
