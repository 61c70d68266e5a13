// Versions and aliases through the AWS SDK against the real binary: PublishVersion freezing code
// and configuration, ListVersionsByFunction paging, invoking by version, alias and $LATEST with
// X-Amz-Executed-Version, weighted alias routing within statistical tolerance, Lambda's errors
// for the bad cases, and DeleteFunction removing versions and aliases.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand, CreateFunctionCommand, DeleteAliasCommand, DeleteFunctionCommand,
  GetAliasCommand, GetFunctionCommand, GetFunctionConfigurationCommand, ListAliasesCommand,
  ListVersionsByFunctionCommand, PublishVersionCommand, UpdateAliasCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  startKumo, lambdaClient, zipFiles, sha256Base64, invoke, uniqueName, expectReject,
} from './harness.mjs';

const T = { timeout: 180000 };
const ARN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:';

const APP_PY = (tag) => `
import os

def handler(event, context):
    return {"tag": ${JSON.stringify(tag)}, "color": os.environ.get("COLOR"),
            "version": context.function_version}
`;
const ZIP_A = zipFiles({ 'app.py': APP_PY('A') });
const ZIP_B = zipFiles({ 'app.py': APP_PY('B') });

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

const send = (Command, input) => client.send(new Command(input));

// Creates a function with code A, publishes it as 1, moves $LATEST to code B and publishes 2.
async function twoVersions(prefix) {
  const name = uniqueName(prefix);
  await send(CreateFunctionCommand, {
    FunctionName: name, Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: ZIP_A },
  });
  const v1 = await send(PublishVersionCommand, { FunctionName: name });
  await send(UpdateFunctionCodeCommand, { FunctionName: name, ZipFile: ZIP_B });
  const v2 = await send(PublishVersionCommand, { FunctionName: name, Description: 'second' });
  return { name, v1, v2 };
}

// Runs `fn`, which must fail with Lambda's `type` and HTTP `status`.
async function expectError(fn, type, status, what) {
  const err = await expectReject(fn, what);
  assert.equal(err.name, type, `${what}: ${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, status, what);
  return err;
}

test('publish freezes code; invoke by version, $LATEST and no qualifier', T, async () => {
  const { name, v1, v2 } = await twoVersions('ver');
  assert.equal(v1.Version, '1');
  assert.equal(v1.FunctionArn, `${ARN_PREFIX}${name}:1`);
  assert.equal(v1.CodeSha256, sha256Base64(ZIP_A));
  assert.equal(v1.$metadata.httpStatusCode, 201);
  assert.equal(v2.Version, '2');
  assert.equal(v2.Description, 'second');
  assert.equal(v2.CodeSha256, sha256Base64(ZIP_B));
  // Unchanged $LATEST: Lambda answers the newest version rather than publishing another.
  const again = await send(PublishVersionCommand, { FunctionName: name });
  assert.equal(again.Version, '2');

  const one = await invoke(client, name, {}, { Qualifier: '1' });
  assert.equal(one.json.tag, 'A');
  assert.equal(one.json.version, '1');
  assert.equal(one.executedVersion, '1');
  const two = await invoke(client, name, {}, { Qualifier: '2' });
  assert.equal(two.json.tag, 'B');
  assert.equal(two.executedVersion, '2');
  const latest = await invoke(client, name, {}, { Qualifier: '$LATEST' });
  assert.equal(latest.json.tag, 'B');
  assert.equal(latest.executedVersion, '$LATEST');
  const plain = await invoke(client, name);
  assert.equal(plain.executedVersion, '$LATEST');
  // The qualifier may also ride on the name.
  const suffixed = await invoke(client, `${name}:1`);
  assert.equal(suffixed.json.tag, 'A');
  assert.equal(suffixed.executedVersion, '1');
  await send(DeleteFunctionCommand, { FunctionName: name });
});

test('ListVersionsByFunction pages $LATEST first, then ascending', T, async () => {
  const { name } = await twoVersions('list');
  const all = await send(ListVersionsByFunctionCommand, { FunctionName: name });
  assert.deepEqual(all.Versions.map((v) => v.Version), ['$LATEST', '1', '2']);
  assert.equal(all.Versions[0].FunctionArn, `${ARN_PREFIX}${name}:$LATEST`);
  assert.equal(all.Versions[1].FunctionArn, `${ARN_PREFIX}${name}:1`);
  assert.equal(all.Versions[1].CodeSha256, sha256Base64(ZIP_A));
  assert.equal(all.NextMarker, undefined);
  const seen = [];
  let Marker;
  for (let i = 0; i < 5; i++) {
    const page = await send(ListVersionsByFunctionCommand, { FunctionName: name, MaxItems: 1, Marker });
    assert.equal(page.Versions.length, 1);
    seen.push(page.Versions[0].Version);
    Marker = page.NextMarker;
    if (!Marker) break;
  }
  assert.deepEqual(seen, ['$LATEST', '1', '2']);
  await send(DeleteFunctionCommand, { FunctionName: name });
});

test('versions are immutable: configuration updates change only $LATEST', T, async () => {
  const { name } = await twoVersions('immut');
  await send(UpdateFunctionConfigurationCommand, {
    FunctionName: name, MemorySize: 256, Environment: { Variables: { COLOR: 'red' } },
  });
  const v1 = await send(GetFunctionConfigurationCommand, { FunctionName: name, Qualifier: '1' });
  assert.equal(v1.Version, '1');
  assert.equal(v1.MemorySize, 128);
  assert.deepEqual(v1.Environment?.Variables ?? {}, {});
  const latest = await send(GetFunctionConfigurationCommand, { FunctionName: name });
  assert.equal(latest.Version, '$LATEST');
  assert.equal(latest.MemorySize, 256);
  assert.equal((await invoke(client, name, {}, { Qualifier: '1' })).json.color, null);
  assert.equal((await invoke(client, name, {}, { Qualifier: '2' })).json.color, null);
  assert.equal((await invoke(client, name)).json.color, 'red');
  // GetFunction of a version describes it and hands out that version's code.
  const got = await send(GetFunctionCommand, { FunctionName: name, Qualifier: '1' });
  assert.equal(got.Configuration.Version, '1');
  assert.equal(got.Configuration.FunctionArn, `${ARN_PREFIX}${name}:1`);
  const zip = Buffer.from(await (await fetch(got.Code.Location)).arrayBuffer());
  assert.ok(zip.equals(ZIP_A), 'version 1 code download is not code A');
  // The configuration change makes a new version possible.
  assert.equal((await send(PublishVersionCommand, { FunctionName: name })).Version, '3');
  await send(DeleteFunctionCommand, { FunctionName: name });
});

test('aliases: create, get, list, invoke, update, delete', T, async () => {
  const { name } = await twoVersions('alias');
  const created = await send(CreateAliasCommand, {
    FunctionName: name, Name: 'live', FunctionVersion: '1', Description: 'production',
  });
  assert.equal(created.$metadata.httpStatusCode, 201);
  assert.equal(created.AliasArn, `${ARN_PREFIX}${name}:live`);
  assert.equal(created.Name, 'live');
  assert.equal(created.FunctionVersion, '1');
  assert.equal(created.Description, 'production');
  assert.ok(created.RevisionId);
  const got = await send(GetAliasCommand, { FunctionName: name, Name: 'live' });
  assert.equal(got.FunctionVersion, '1');
  assert.equal(got.RevisionId, created.RevisionId);
  const viaAlias = await invoke(client, name, {}, { Qualifier: 'live' });
  assert.equal(viaAlias.json.tag, 'A');
  assert.equal(viaAlias.executedVersion, '1');
  const config = await send(GetFunctionConfigurationCommand, { FunctionName: name, Qualifier: 'live' });
  assert.equal(config.Version, '1');

  await send(CreateAliasCommand, { FunctionName: name, Name: 'dev', FunctionVersion: '$LATEST' });
  const listed = await send(ListAliasesCommand, { FunctionName: name });
  assert.deepEqual(listed.Aliases.map((a) => a.Name), ['dev', 'live']);
  const onOne = await send(ListAliasesCommand, { FunctionName: name, FunctionVersion: '1' });
  assert.deepEqual(onOne.Aliases.map((a) => a.Name), ['live']);
  const paged = await send(ListAliasesCommand, { FunctionName: name, MaxItems: 1 });
  assert.equal(paged.Aliases.length, 1);
  assert.equal(paged.NextMarker, 'dev');

  const moved = await send(UpdateAliasCommand, {
    FunctionName: name, Name: 'live', FunctionVersion: '2', RevisionId: created.RevisionId,
  });
  assert.equal(moved.FunctionVersion, '2');
  assert.equal(moved.Description, 'production');
  assert.notEqual(moved.RevisionId, created.RevisionId);
  const afterMove = await invoke(client, name, {}, { Qualifier: 'live' });
  assert.equal(afterMove.json.tag, 'B');
  assert.equal(afterMove.executedVersion, '2');
  await expectError(() => send(UpdateAliasCommand, {
    FunctionName: name, Name: 'live', FunctionVersion: '1', RevisionId: created.RevisionId,
  }), 'PreconditionFailedException', 412, 'UpdateAlias with a stale RevisionId');

  const deleted = await send(DeleteAliasCommand, { FunctionName: name, Name: 'dev' });
  assert.equal(deleted.$metadata.httpStatusCode, 204);
  await expectError(() => send(GetAliasCommand, { FunctionName: name, Name: 'dev' }),
      'ResourceNotFoundException', 404, 'GetAlias of a deleted alias');
  await send(DeleteFunctionCommand, { FunctionName: name });
});

test('weighted alias routing sends about the configured share to the second version', T, async () => {
  const { name } = await twoVersions('canary');
  await send(CreateAliasCommand, { FunctionName: name, Name: 'live', FunctionVersion: '1' });
  const routed = await send(UpdateAliasCommand, {
    FunctionName: name, Name: 'live', RoutingConfig: { AdditionalVersionWeights: { 2: 0.3 } },
  });
  assert.deepEqual(routed.RoutingConfig, { AdditionalVersionWeights: { 2: 0.3 } });
  assert.equal(routed.FunctionVersion, '1');
  const calls = 300;
  let second = 0;
  for (let i = 0; i < calls; i++) {
    const r = await invoke(client, name, {}, { Qualifier: 'live' });
    assert.ok(r.executedVersion === '1' || r.executedVersion === '2', r.executedVersion);
    // The header tells the truth about which code ran.
    assert.equal(r.json.tag, r.executedVersion === '1' ? 'A' : 'B');
    assert.equal(r.json.version, r.executedVersion);
    if (r.executedVersion === '2') second++;
  }
  // Binomial(300, 0.3) has a standard deviation of about 0.026: 0.1 is almost 4 of them.
  const share = second / calls;
  assert.ok(Math.abs(share - 0.3) <= 0.1, `share of version 2 was ${share}`);
  // Clearing the routing sends everything back to version 1.
  await send(UpdateAliasCommand, {
    FunctionName: name, Name: 'live', RoutingConfig: { AdditionalVersionWeights: {} },
  });
  for (let i = 0; i < 20; i++) {
    assert.equal((await invoke(client, name, {}, { Qualifier: 'live' })).executedVersion, '1');
  }
  await send(DeleteAliasCommand, { FunctionName: name, Name: 'live' });
  await send(DeleteFunctionCommand, { FunctionName: name });
});

test('bad cases answer with Lambda errors', T, async () => {
  const { name } = await twoVersions('bad');
  await send(CreateAliasCommand, { FunctionName: name, Name: 'live', FunctionVersion: '1' });
  const notFound = await expectError(
      () => send(GetFunctionCommand, { FunctionName: name, Qualifier: '9' }),
      'ResourceNotFoundException', 404, 'GetFunction of an unknown version');
  assert.equal(notFound.message, `Function not found: ${ARN_PREFIX}${name}:9`);
  await expectError(() => invoke(client, name, {}, { Qualifier: '9' }),
      'ResourceNotFoundException', 404, 'Invoke of an unknown version');
  await expectError(() => invoke(client, name, {}, { Qualifier: 'nope' }),
      'ResourceNotFoundException', 404, 'Invoke of an unknown alias');
  await expectError(() => send(GetAliasCommand, { FunctionName: name, Name: 'nope' }),
      'ResourceNotFoundException', 404, 'GetAlias of an unknown alias');
  await expectError(() => send(CreateAliasCommand, {
    FunctionName: name, Name: 'ghost', FunctionVersion: '9',
  }), 'ResourceNotFoundException', 404, 'alias to a missing version');
  await expectError(() => send(CreateAliasCommand, {
    FunctionName: name, Name: 'ghost', FunctionVersion: '1',
    RoutingConfig: { AdditionalVersionWeights: { 9: 0.5 } },
  }), 'ResourceNotFoundException', 404, 'alias routing to a missing version');
  await expectError(() => send(CreateAliasCommand, {
    FunctionName: name, Name: 'live', FunctionVersion: '2',
  }), 'ResourceConflictException', 409, 'duplicate alias');
  await expectError(() => send(CreateAliasCommand, {
    FunctionName: name, Name: 'heavy', FunctionVersion: '1',
    RoutingConfig: { AdditionalVersionWeights: { 2: 1.5 } },
  }), 'InvalidParameterValueException', 400, 'weight 1.5');
  await expectError(() => send(UpdateAliasCommand, {
    FunctionName: name, Name: 'live', RoutingConfig: { AdditionalVersionWeights: { 2: 0.1, 1: 0.1 } },
  }), 'InvalidParameterValueException', 400, 'two additional versions');
  await expectError(() => send(CreateAliasCommand, {
    FunctionName: name, Name: '123', FunctionVersion: '1',
  }), 'InvalidParameterValueException', 400, 'all-digit alias name');
  await expectError(() => send(CreateAliasCommand, {
    FunctionName: name, Name: 'latest-canary', FunctionVersion: '$LATEST',
    RoutingConfig: { AdditionalVersionWeights: { 2: 0.1 } },
  }), 'InvalidParameterValueException', 400, 'routing on $LATEST');
  await expectError(() => send(DeleteFunctionCommand, { FunctionName: name, Qualifier: '1' }),
      'ResourceConflictException', 409, 'deleting a version an alias uses');
  await expectError(() => send(DeleteFunctionCommand, { FunctionName: name, Qualifier: '$LATEST' }),
      'InvalidParameterValueException', 400, 'deleting $LATEST alone');
  await expectError(() => send(PublishVersionCommand, { FunctionName: name, CodeSha256: 'nope' }),
      'InvalidParameterValueException', 400, 'PublishVersion with a stale CodeSha256');
  await expectError(() => send(PublishVersionCommand, { FunctionName: uniqueName('ghost') }),
      'ResourceNotFoundException', 404, 'PublishVersion of an unknown function');
  // Nothing of the failed calls stayed.
  const aliases = await send(ListAliasesCommand, { FunctionName: name });
  assert.deepEqual(aliases.Aliases.map((a) => a.Name), ['live']);
  // A version no alias uses can go; its number is not reused.
  await send(DeleteFunctionCommand, { FunctionName: name, Qualifier: '2' });
  await expectError(() => invoke(client, name, {}, { Qualifier: '2' }),
      'ResourceNotFoundException', 404, 'Invoke of a deleted version');
  await send(UpdateFunctionConfigurationCommand, { FunctionName: name, Timeout: 10 });
  assert.equal((await send(PublishVersionCommand, { FunctionName: name })).Version, '3');
  await send(DeleteFunctionCommand, { FunctionName: name });
});

test('DeleteFunction removes its versions and aliases', T, async () => {
  const { name } = await twoVersions('gone');
  await send(CreateAliasCommand, { FunctionName: name, Name: 'live', FunctionVersion: '2' });
  assert.equal((await invoke(client, name, {}, { Qualifier: 'live' })).json.tag, 'B');
  await send(DeleteFunctionCommand, { FunctionName: name });
  await expectError(() => send(GetFunctionCommand, { FunctionName: name, Qualifier: '1' }),
      'ResourceNotFoundException', 404, 'version of a deleted function');
  await expectError(() => send(GetAliasCommand, { FunctionName: name, Name: 'live' }),
      'ResourceNotFoundException', 404, 'alias of a deleted function');
  await expectError(() => send(ListVersionsByFunctionCommand, { FunctionName: name }),
      'ResourceNotFoundException', 404, 'versions of a deleted function');
  await expectError(() => invoke(client, name, {}, { Qualifier: 'live' }),
      'ResourceNotFoundException', 404, 'invoke through the alias of a deleted function');
  // A new function of the same name starts empty, numbering from 1 again.
  await send(CreateFunctionCommand, {
    FunctionName: name, Runtime: 'python3.12', Handler: 'app.handler', Code: { ZipFile: ZIP_A },
  });
  const versions = await send(ListVersionsByFunctionCommand, { FunctionName: name });
  assert.deepEqual(versions.Versions.map((v) => v.Version), ['$LATEST']);
  assert.deepEqual((await send(ListAliasesCommand, { FunctionName: name })).Aliases, []);
  assert.equal((await send(PublishVersionCommand, { FunctionName: name })).Version, '1');
  await send(DeleteFunctionCommand, { FunctionName: name });
});
