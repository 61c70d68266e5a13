// The server process itself: its listening line, /healthz, clean shutdown on SIGTERM/SIGINT
// with an invocation in flight and nothing left behind, durability across a restart, and
// refusing to start when it cannot listen.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, ListFunctionsCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import {
  KUMO_BIN, SOURCE_DIR, startKumo, lambdaClient, rawRequest, zipFiles, invoke, uniqueName,
  descendants, existingCgroupScopes, leftovers, killAll, removeCgroupScopes, runToEnd,
  waitForLog, expectReject,
} from './harness.mjs';
import { spawnSync } from 'node:child_process';

const T = { timeout: 90000 };

const SLEEPER_PY = `
import time

def handler(event, context):
    print("started " + event.get("tag", ""), flush=True)
    time.sleep(event.get("sleep", 0))
    return {"version": VERSION, "slept": event.get("sleep", 0)}

VERSION = "v1"
`;

function sleeperZip(version = 'v1') {
  return zipFiles({ 'app.py': SLEEPER_PY.replace('"v1"', JSON.stringify(version)) });
}

async function createSleeper(client, name, version = 'v1') {
  return client.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'python3.12', Handler: 'app.handler', Timeout: 30,
    Code: { ZipFile: sleeperZip(version) },
  }));
}

const hasCgroups = process.getuid?.() === 0 &&
    (fs.existsSync('/sys/fs/cgroup/memory/tasks') ||
     fs.existsSync('/sys/fs/cgroup/cgroup.controllers'));

describe('kumo serve', () => {
  test('prints its listening line and answers /healthz', T, async () => {
    const kumo = await startKumo();
    try {
      assert.match(kumo.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(kumo.port > 0 && kumo.port < 65536, `port ${kumo.port}`);
      const r = await rawRequest(kumo.endpoint, 'GET', '/healthz');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { status: 'ok' });
      const missing = await rawRequest(kumo.endpoint, 'GET', '/no/such/path');
      assert.ok(missing.status >= 400 && missing.status < 500,
          `unknown path answered ${missing.status}`);
      const stopped = await kumo.stop('SIGTERM');
      assert.deepEqual(stopped, { code: 0, signal: null, killed: false });
    } finally {
      await kumo.cleanup();
    }
  });

  test('SIGTERM with an invocation in flight: caller gets an answer, exit 0, nothing left',
      T, async () => {
        const kumo = await startKumo();
        let snapshot = [];
        try {
          const client = lambdaClient(kumo.endpoint);
          const name = uniqueName('inflight');
          await createSleeper(client, name);
          const pending = invoke(client, name, { sleep: 3, tag: 'inflight' });
          const settled = pending.then((v) => ({ ok: v }), (e) => ({ err: e }));
          // The function printed its first line: the invocation is running inside an instance.
          await waitForLog(kumo.endpoint, name, /started inflight/);
          snapshot = descendants(kumo.pid);
          assert.ok(snapshot.length >= 1, 'expected the instance to run under the server');
          if (hasCgroups) {
            assert.ok(existingCgroupScopes(kumo.pid).length >= 1,
                `expected a cgroup scope for server pid ${kumo.pid} while an instance runs`);
          }
          const stopped = await kumo.stop('SIGTERM');
          const outcome = await settled;
          assert.deepEqual(stopped, { code: 0, signal: null, killed: false },
              `kumo output:\n${kumo.output()}`);
          if (outcome.ok) {
            // Either the invocation finished during the drain ...
            if (!outcome.ok.functionError) {
              assert.deepEqual(outcome.ok.json, { version: 'v1', slept: 3 });
            }
          } else {
            // ... or the caller got an error instead of hanging.
            assert.ok(outcome.err instanceof Error);
          }
          assert.equal(leftovers(snapshot, kumo.pid), '');
        } finally {
          killAll(snapshot);
          await kumo.cleanup();
        }
      });

  test('SIGINT stops it cleanly too, with warm instances stopped', T, async () => {
    const kumo = await startKumo();
    let snapshot = [];
    try {
      const client = lambdaClient(kumo.endpoint);
      const name = uniqueName('sigint');
      await createSleeper(client, name);
      const r = await invoke(client, name, { sleep: 0 });
      assert.deepEqual(r.json, { version: 'v1', slept: 0 });
      snapshot = descendants(kumo.pid); // the warm instance stays up between invocations
      const stopped = await kumo.stop('SIGINT');
      assert.deepEqual(stopped, { code: 0, signal: null, killed: false });
      assert.equal(leftovers(snapshot, kumo.pid), '');
    } finally {
      killAll(snapshot);
      await kumo.cleanup();
    }
  });

  test('functions survive a restart on the same data dir', T, async () => {
    let kumo = await startKumo();
    try {
      let client = lambdaClient(kumo.endpoint);
      const kept = uniqueName('kept');
      const gone = uniqueName('gone');
      const created = await createSleeper(client, kept, 'v1');
      await client.send(new UpdateFunctionCodeCommand({
        FunctionName: kept, ZipFile: sleeperZip('v2'),
      }));
      await createSleeper(client, gone);
      await client.send(new DeleteFunctionCommand({ FunctionName: gone }));
      const before = (await client.send(new GetFunctionCommand({ FunctionName: kept })))
          .Configuration;
      assert.notEqual(before.CodeSha256, created.CodeSha256);

      kumo = await kumo.restart();
      client = lambdaClient(kumo.endpoint);
      const after = (await client.send(new GetFunctionCommand({ FunctionName: kept })))
          .Configuration;
      for (const k of ['FunctionName', 'FunctionArn', 'Runtime', 'Handler', 'CodeSha256',
        'CodeSize', 'MemorySize', 'Timeout', 'LastModified']) {
        assert.deepEqual(after[k], before[k], `${k} changed across the restart`);
      }
      const r = await invoke(client, kept, { sleep: 0 });
      assert.equal(r.functionError, undefined, r.text);
      assert.deepEqual(r.json, { version: 'v2', slept: 0 });
      const names = (await client.send(new ListFunctionsCommand({}))).Functions
          .map((f) => f.FunctionName);
      assert.ok(names.includes(kept));
      assert.ok(!names.includes(gone), 'a deleted function came back after the restart');
      const err = await expectReject(
          () => client.send(new GetFunctionCommand({ FunctionName: gone })));
      assert.equal(err.name, 'ResourceNotFoundException');
      const stopped = await kumo.stop('SIGTERM');
      assert.equal(stopped.code, 0);
    } finally {
      await kumo.cleanup();
    }
  });

  test('after a crash (SIGKILL), the next start removes what the dead server left', T, async () => {
    const first = await startKumo();
    let snapshot = [];
    let second;
    try {
      const client = lambdaClient(first.endpoint);
      const name = uniqueName('crash');
      await createSleeper(client, name);
      assert.deepEqual((await invoke(client, name, { sleep: 0 })).json, { version: 'v1', slept: 0 });
      snapshot = descendants(first.pid);
      assert.ok(snapshot.length >= 1, 'expected a warm instance under the server');
      const killed = await first.stop('SIGKILL');
      assert.equal(killed.signal, 'SIGKILL');

      second = await startKumo({ dataDir: first.dataDir });
      const r = await invoke(lambdaClient(second.endpoint), name, { sleep: 0 });
      assert.deepEqual(r.json, { version: 'v1', slept: 0 });
      // Cleanup may run in the background of the start: allow it a bounded while (no signal
      // tells us it finished), then require that nothing of the dead server remains.
      const deadline = Date.now() + 5000;
      while (leftovers(snapshot, first.pid) && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal(leftovers(snapshot, first.pid), '',
          'the restarted server did not clean up after the crashed one');
      assert.equal((await second.stop('SIGTERM')).code, 0);
    } finally {
      killAll(snapshot);
      removeCgroupScopes(first.pid);
      if (second) {
        await second.stop('SIGKILL');
      }
      await first.cleanup();
    }
  });

  test('as a non-root user it says what it cannot enforce and still runs functions', T,
      async (t) => {
        if (process.getuid?.() !== 0) {
          t.skip('needs root to start kumo as another user (the whole suite runs unprivileged)');
          return;
        }
        const nobody = 65534;
        const probe = spawnSync('/usr/bin/test', ['-x', KUMO_BIN, '-a', '-r',
          path.join(SOURCE_DIR, 'runtimes', 'python', 'bootstrap.py')], { uid: nobody, gid: nobody });
        if (probe.status !== 0) {
          t.skip(`uid ${nobody} cannot reach ${KUMO_BIN} or the runtimes (checkout not world-readable)`);
          return;
        }
        const kumo = await startKumo({ uid: nobody, gid: nobody });
        let snapshot = [];
        try {
          assert.match(kumo.output(), /root|namespace|cgroup|enforce/i,
              `no warning about what it cannot enforce:\n${kumo.output()}`);
          const client = lambdaClient(kumo.endpoint);
          const name = uniqueName('unpriv');
          await createSleeper(client, name);
          const r = await invoke(client, name, { sleep: 0 }).finally(() => {
            snapshot = descendants(kumo.pid);
          });
          assert.equal(r.functionError, undefined, r.text);
          assert.deepEqual(r.json, { version: 'v1', slept: 0 });
          assert.equal((await kumo.stop('SIGTERM')).code, 0);
          assert.equal(leftovers(snapshot, kumo.pid), '');
        } finally {
          await kumo.cleanup();
          killAll(snapshot);
        }
      });

  test('exits non-zero without a listening line when the port is taken', T, async () => {
    const blocker = net.createServer();
    blocker.listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-'));
    try {
      const port = blocker.address().port;
      const proc = spawn(KUMO_BIN, ['serve', '--listen', `127.0.0.1:${port}`,
        '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      const r = await runToEnd(proc, { timeoutMs: 15000 });
      assert.notEqual(r.signal, 'SIGKILL', 'kumo kept running on a taken port');
      assert.notEqual(r.code, 0);
      assert.doesNotMatch(r.stdout, /kumo api listening on/);
      assert.ok((r.stdout + r.stderr).trim().length > 0, 'no message explaining the failure');
    } finally {
      blocker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('rejects a malformed --listen address', T, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-'));
    try {
      const proc = spawn(KUMO_BIN, ['serve', '--listen', 'not-an-address',
        '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      const r = await runToEnd(proc, { timeoutMs: 15000 });
      assert.notEqual(r.signal, 'SIGKILL', 'kumo kept running with a bad --listen');
      assert.notEqual(r.code, 0);
      assert.doesNotMatch(r.stdout, /kumo api listening on/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
