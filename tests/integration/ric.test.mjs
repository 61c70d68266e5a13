// A real third-party runtime as a `provided` function: AWS's Node.js runtime interface client
// (npm aws-lambda-ric, installed by `make test` into tests/integration/node_modules) running a
// plain handler. It needs every AWS_LAMBDA_* variable, the Lambda-Runtime-Deadline-Ms header,
// and kumo accepting its error bodies (which say `trace`, not `stackTrace`).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { HERE, startKumo, lambdaClient, zipDir, invoke, uniqueName } from './harness.mjs';

const T = { timeout: 90000 };
const RIC = path.join(HERE, 'node_modules', 'aws-lambda-ric');

function skipReason() {
  if (!fs.existsSync(path.join(RIC, 'bin', 'index.mjs'))) {
    return `aws-lambda-ric is not installed at ${RIC} (run scripts/install-test-deps.sh)`;
  }
  if (!fs.existsSync(path.join(RIC, 'dist', 'rapid-client.node'))) {
    return 'aws-lambda-ric is installed but its native addon was not built ' +
        '(needs npm_config_nodedir=/usr, autoconf automake libtool make g++ cmake)';
  }
  return false;
}

const HANDLER = `
let count = 0;
export const handler = async (event, context) => {
  count++;
  if (event.fail) {
    const err = new RangeError('ric says no: ' + event.fail);
    throw err;
  }
  console.log('ric-handled ' + JSON.stringify(event));
  return {
    via: 'aws-lambda-ric', event, count,
    requestId: context.awsRequestId, functionName: context.functionName,
    memory: context.memoryLimitInMB, remaining: context.getRemainingTimeInMillis(),
  };
};
`;

// The bundle: index.mjs, a bootstrap, and the runtime parts of the package (its bin, its
// compiled dist with the native addon, and package.json).
function buildBundle(dir) {
  fs.writeFileSync(path.join(dir, 'index.mjs'), HANDLER);
  fs.writeFileSync(path.join(dir, 'bootstrap'),
      '#!/bin/sh\ncd /var/task\nexec /usr/bin/node /var/task/node_modules/aws-lambda-ric/bin/index.mjs index.handler\n',
      { mode: 0o755 });
  const dest = path.join(dir, 'node_modules', 'aws-lambda-ric');
  fs.mkdirSync(dest, { recursive: true });
  for (const part of ['package.json', 'bin', 'dist']) {
    fs.cpSync(path.join(RIC, part), path.join(dest, part), { recursive: true });
  }
  return zipDir(dir);
}

const skip = skipReason();
let kumo;
let client;
let bundleDir;
const name = uniqueName('ric');

describe('aws-lambda-ric as a provided.al2023 function', { skip }, () => {
  before(async () => {
    kumo = await startKumo();
    client = lambdaClient(kumo.endpoint);
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-ric-'));
    await client.send(new CreateFunctionCommand({
      FunctionName: name, Runtime: 'provided.al2023', Handler: 'index.handler', Timeout: 20,
      MemorySize: 256, Code: { ZipFile: buildBundle(bundleDir) },
    }));
  });

  after(async () => {
    if (bundleDir) {
      fs.rmSync(bundleDir, { recursive: true, force: true });
    }
    if (kumo) {
      const stopped = await kumo.stop('SIGTERM');
      await kumo.cleanup();
      assert.equal(stopped.code, 0, 'kumo did not exit 0 on SIGTERM');
    }
  });

  test('returns the handler result with a Lambda context', T, async () => {
    const r = await invoke(client, name, { hello: 'ric' }, { LogType: 'Tail' });
    assert.equal(r.functionError, undefined, `${r.text}\nlog:\n${r.log}`);
    assert.equal(r.json.via, 'aws-lambda-ric');
    assert.deepEqual(r.json.event, { hello: 'ric' });
    assert.equal(r.json.requestId, r.requestId);
    assert.equal(r.json.functionName, name);
    assert.equal(String(r.json.memory), '256');
    assert.ok(r.json.remaining > 0 && r.json.remaining <= 20000, `remaining ${r.json.remaining}`);
    assert.match(r.log, /ric-handled/);
  });

  test('a thrown error comes back with its type and message', T, async () => {
    const r = await invoke(client, name, { fail: 'badly' });
    assert.equal(r.functionError, 'Unhandled', r.text);
    assert.equal(r.json.errorType, 'RangeError', r.text);
    assert.equal(r.json.errorMessage, 'ric says no: badly');
  });

  test('the instance stays warm across calls after an error', T, async () => {
    const a = await invoke(client, name, { n: 1 });
    const b = await invoke(client, name, { n: 2 });
    assert.equal(a.functionError, undefined, a.text);
    assert.equal(b.json.count, a.json.count + 1);
  });
});
