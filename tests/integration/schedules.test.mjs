// Schedules through EventBridge Scheduler's API (@aws-sdk/client-scheduler against kumo):
// create/get/list/update/delete, validation errors that name the field, a real firing of a
// cron(* * * * ? *) schedule that a Python function receives as a Scheduled Event, and the
// restart rule: after a SIGKILL the minute missed while down runs exactly once with
// --missed-schedules run-once, and a minute already fired is never fired again.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateFunctionCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import {
  SchedulerClient, CreateScheduleCommand, GetScheduleCommand, UpdateScheduleCommand,
  DeleteScheduleCommand, ListSchedulesCommand,
} from '@aws-sdk/client-scheduler';
import {
  startKumo, lambdaClient, zipFiles, uniqueName, expectReject, rawRequest,
} from './harness.mjs';

const T = { timeout: 170000 };
const OFF = { Mode: 'OFF' };

// Prints each event it gets on one line, tagged so the test can find it among the log lines.
const HANDLER = [
  'import json',
  'def handler(event, context):',
  '    print("SCHEDULED " + json.dumps(event))',
  '    return "ok"',
  '',
].join('\n');

function schedulerClient(endpoint) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return new SchedulerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
}

let dataDir;
let kumo;
let lambda;
let scheduler;
let fnName;
let fnArn;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-sched-'));
  kumo = await startKumo({ dataDir });
  lambda = lambdaClient(kumo.endpoint);
  scheduler = schedulerClient(kumo.endpoint);
  fnName = uniqueName('tick');
  await lambda.send(new CreateFunctionCommand({
    FunctionName: fnName, Runtime: 'python3.12', Handler: 'app.handler', Timeout: 10,
    Code: { ZipFile: zipFiles({ 'app.py': HANDLER }) },
  }));
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: fnName }));
  fnArn = got.Configuration.FunctionArn;
});

after(async () => {
  if (kumo) {
    await kumo.cleanup();
  }
  if (dataDir) {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// The Scheduled Events the function printed so far on `server`, in order.
async function receivedEvents(server) {
  const r = await rawRequest(server.endpoint, 'GET', `/kumo/v1/functions/${fnName}/logs?limit=10000`);
  assert.equal(r.status, 200, r.text);
  return r.json.events
    .map((e) => e.message.trim())
    .filter((m) => m.startsWith('SCHEDULED '))
    .map((m) => JSON.parse(m.slice('SCHEDULED '.length)));
}

// Waits (long polls on the log endpoint) until `predicate(events)` holds or `ms` pass.
async function waitForEvents(server, predicate, ms) {
  const deadline = Date.now() + ms;
  let after = 0;
  for (;;) {
    const events = await receivedEvents(server);
    if (predicate(events)) {
      return events;
    }
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      return events;
    }
    const r = await rawRequest(server.endpoint, 'GET',
      `/kumo/v1/functions/${fnName}/logs?after=${after}&wait=${Math.min(left, 20)}`);
    after = Math.max(after, (r.json?.nextSeq ?? 1) - 1);
  }
}

const minuteOf = (iso) => Date.parse(iso);

describe('EventBridge Scheduler API', () => {
  test('create, get, list, update and delete a schedule', T, async () => {
    const name = uniqueName('crud');
    const created = await scheduler.send(new CreateScheduleCommand({
      Name: name,
      ScheduleExpression: 'cron(0 10 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Asia/Kolkata',
      FlexibleTimeWindow: OFF,
      Description: 'weekday mornings',
      Target: { Arn: fnArn, RoleArn: 'arn:aws:iam::000000000000:role/ignored', Input: '{"k":1}' },
    }));
    assert.match(created.ScheduleArn, new RegExp(`^arn:aws:scheduler:[^:]+:\\d+:schedule/default/${name}$`));

    const got = await scheduler.send(new GetScheduleCommand({ Name: name }));
    assert.equal(got.Arn, created.ScheduleArn);
    assert.equal(got.Name, name);
    assert.equal(got.GroupName, 'default');
    assert.equal(got.ScheduleExpression, 'cron(0 10 ? * MON-FRI *)');
    assert.equal(got.ScheduleExpressionTimezone, 'Asia/Kolkata');
    assert.equal(got.State, 'ENABLED');
    assert.equal(got.Description, 'weekday mornings');
    assert.deepEqual(got.FlexibleTimeWindow, OFF);
    assert.equal(got.Target.Arn, fnArn);
    assert.equal(got.Target.Input, '{"k":1}');
    assert.ok(got.CreationDate instanceof Date && Math.abs(got.CreationDate - Date.now()) < 60000);

    const dup = await expectReject(() => scheduler.send(new CreateScheduleCommand({
      Name: name, ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: OFF,
      Target: { Arn: fnArn, RoleArn: 'r' },
    })), 'creating it twice');
    assert.equal(dup.name, 'ConflictException');

    const other = uniqueName('crud-b');
    await scheduler.send(new CreateScheduleCommand({
      Name: other, ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: OFF, State: 'DISABLED',
      Target: { Arn: fnArn, RoleArn: 'r' },
    }));
    const listed = await scheduler.send(new ListSchedulesCommand({ NamePrefix: 'crud' }));
    const names = listed.Schedules.map((s) => s.Name);
    assert.ok(names.includes(name) && names.includes(other), names.join(','));
    const disabled = await scheduler.send(new ListSchedulesCommand({ State: 'DISABLED' }));
    assert.deepEqual(disabled.Schedules.map((s) => s.Name), [other]);
    const page = await scheduler.send(new ListSchedulesCommand({ NamePrefix: 'crud', MaxResults: 1 }));
    assert.equal(page.Schedules.length, 1);
    assert.ok(page.NextToken, 'a first page of one has a NextToken');
    const rest = await scheduler.send(new ListSchedulesCommand({
      NamePrefix: 'crud', MaxResults: 1, NextToken: page.NextToken,
    }));
    assert.equal(rest.Schedules.length, 1);
    assert.notEqual(rest.Schedules[0].Name, page.Schedules[0].Name);

    await scheduler.send(new UpdateScheduleCommand({
      Name: name, ScheduleExpression: 'rate(2 hours)', FlexibleTimeWindow: OFF, State: 'DISABLED',
      Target: { Arn: fnArn, RoleArn: 'r' },
    }));
    const updated = await scheduler.send(new GetScheduleCommand({ Name: name }));
    assert.equal(updated.ScheduleExpression, 'rate(2 hours)');
    assert.equal(updated.State, 'DISABLED');
    assert.equal(updated.Target.Input, undefined, 'an update replaces every field');
    assert.equal(updated.CreationDate.getTime(), got.CreationDate.getTime());

    for (const n of [name, other]) {
      await scheduler.send(new DeleteScheduleCommand({ Name: n }));
    }
    const gone = await expectReject(() => scheduler.send(new GetScheduleCommand({ Name: name })),
      'getting a deleted schedule');
    assert.equal(gone.name, 'ResourceNotFoundException');
    const again = await expectReject(() => scheduler.send(new DeleteScheduleCommand({ Name: name })),
      'deleting twice');
    assert.equal(again.name, 'ResourceNotFoundException');
    const missing = await expectReject(() => scheduler.send(new UpdateScheduleCommand({
      Name: name, ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: OFF,
      Target: { Arn: fnArn, RoleArn: 'r' },
    })), 'updating a missing schedule');
    assert.equal(missing.name, 'ResourceNotFoundException');
  });

  test('invalid schedules are refused with ValidationException naming the field', T, async () => {
    const cases = [
      [{ ScheduleExpression: 'cron(0 10 ? * 8 *)' }, /^ScheduleExpression: cron: day-of-week: '8' is out of range 1-7/],
      [{ ScheduleExpression: 'cron(0 10 * * * *)' }, /cron: day-of-month and day-of-week: one of them must be '\?'/],
      [{ ScheduleExpression: 'cron(0 10 * * ?)' }, /cron: expected 6 fields/],
      [{ ScheduleExpression: 'cron(61 10 * * ? *)' }, /cron: minutes: '61' is out of range 0-59/],
      [{ ScheduleExpression: 'rate(5 weeks)' }, /rate: unit must be minute\(s\), hour\(s\) or day\(s\)/],
      [{ ScheduleExpression: 'rate(1 minutes)' }, /rate: a value of 1 takes the singular unit/],
      [{ ScheduleExpressionTimezone: 'Mars/Base' }, /^ScheduleExpressionTimezone: unknown time zone 'Mars\/Base'/],
      [{ FlexibleTimeWindow: undefined }, /FlexibleTimeWindow is required/],
      [{ Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'r' } }, /^Target.Arn: .* is not a Lambda function ARN/],
      [{ Target: { Arn: fnArn.replace(fnName, uniqueName('ghost')), RoleArn: 'r' } }, /^Target.Arn: function .* does not exist/],
      [{ State: 'PAUSED' }, /State must be ENABLED or DISABLED/],
    ];
    for (const [override, message] of cases) {
      const input = {
        Name: uniqueName('bad'), ScheduleExpression: 'rate(5 minutes)', FlexibleTimeWindow: OFF,
        Target: { Arn: fnArn, RoleArn: 'r' }, ...override,
      };
      const err = await expectReject(() => scheduler.send(new CreateScheduleCommand(input)),
        JSON.stringify(override));
      assert.equal(err.name, 'ValidationException', `${JSON.stringify(override)}: ${err.name}`);
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.match(err.message, message, JSON.stringify(override));
    }
    const group = await expectReject(() => scheduler.send(new GetScheduleCommand({
      Name: 'x', GroupName: 'elsewhere',
    })), 'another group');
    assert.equal(group.name, 'ResourceNotFoundException');
    // None of them was stored.
    const listed = await scheduler.send(new ListSchedulesCommand({ NamePrefix: 'bad' }));
    assert.deepEqual(listed.Schedules, []);
    const raw = await rawRequest(kumo.endpoint, 'POST', '/schedules/raw', {
      headers: { 'content-type': 'application/json' }, body: '{not json',
    });
    assert.equal(raw.status, 400);
    assert.equal(raw.headers.get('x-amzn-errortype'), 'ValidationException');
    assert.equal(typeof raw.json.Message, 'string');
  });

  test("kumo's KumoMissedFirings extension (the SDK does not send unknown fields)", T, async () => {
    const name = uniqueName('policy');
    const body = (policy) => JSON.stringify({
      ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: OFF, State: 'DISABLED',
      Target: { Arn: fnArn }, KumoMissedFirings: policy,
    });
    const headers = { 'content-type': 'application/json' };
    const bad = await rawRequest(kumo.endpoint, 'POST', `/schedules/${name}`,
      { headers, body: body('all') });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.json.Message, /KumoMissedFirings must be skip or run-once/);
    const ok = await rawRequest(kumo.endpoint, 'POST', `/schedules/${name}`,
      { headers, body: body('run-once') });
    assert.equal(ok.status, 200, ok.text);
    const got = await rawRequest(kumo.endpoint, 'GET', `/schedules/${name}`);
    assert.equal(got.json.KumoMissedFirings, 'run-once');
    const del = await rawRequest(kumo.endpoint, 'DELETE', `/schedules/${name}`);
    assert.equal(del.status, 200, del.text);
  });
});

describe('firing', () => {
  test('a cron schedule fires once a minute with the Scheduled Event, and a restart fires a ' +
       'missed minute once and a done minute never', T, async () => {
    const name = uniqueName('every-minute');
    const created = await scheduler.send(new CreateScheduleCommand({
      Name: name, ScheduleExpression: 'cron(* * * * ? *)', FlexibleTimeWindow: OFF,
      Target: { Arn: fnArn, RoleArn: 'r' },
    }));
    const events = await waitForEvents(kumo, (e) => e.length >= 1, 65000);
    assert.ok(events.length >= 1, `no firing within 65 s; server output:\n${kumo.output()}`);
    const first = events[0];
    assert.equal(first.version, '0');
    assert.equal(first['detail-type'], 'Scheduled Event');
    assert.equal(first.source, 'aws.scheduler');
    assert.match(first.id, /^[0-9a-f-]{36}$/);
    assert.match(first.account, /^\d{12}$/);
    assert.equal(typeof first.region, 'string');
    assert.deepEqual(first.resources, [created.ScheduleArn]);
    assert.deepEqual(first.detail, {});
    assert.match(first.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    const done = minuteOf(first.time);
    assert.ok(Math.abs(Date.now() - done) < 65000, `time ${first.time} is not the last minute`);

    // SIGKILL right after that firing, stay down across the next minute boundary, restart
    // with run-once: the missed minute fires once, the done one never again.
    await kumo.stop('SIGKILL');
    await kumo.cleanup();
    const missed = done + 60000;
    const wait = missed + 1500 - Date.now();
    assert.ok(wait > 0, 'the next minute had already begun before the kill');
    await new Promise((r) => setTimeout(r, wait));
    kumo = await startKumo({ dataDir, args: ['--missed-schedules', 'run-once'] });
    lambda = lambdaClient(kumo.endpoint);
    scheduler = schedulerClient(kumo.endpoint);
    // A catch-up of `missed`, and nothing else before the next regular minute.
    const nextRegular = missed + 60000;
    const settle = Math.min(15000, nextRegular - Date.now() - 2000);
    assert.ok(settle > 3000, 'restart took too long to check the catch-up before the next minute');
    // Watch the whole window: a second catch-up or a refire would arrive within it.
    const after = await waitForEvents(kumo, () => false, settle);
    const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const catchUp = after.filter((e) => e.time === iso(missed));
    assert.equal(catchUp.length, 1, `expected one catch-up firing: ${JSON.stringify(after)}`);
    // The async layer may deliver the done minute's event again (at least once: same id), but
    // the scheduler must not fire that minute again (a new event, a new id).
    const refired = after.filter((e) => e.time === first.time && e.id !== first.id);
    assert.deepEqual(refired, [], 'the minute fired before the kill fired again');
    const others = after.filter((e) => e.time !== first.time && e.time !== iso(missed));
    assert.deepEqual(others, [], 'unexpected firings after the restart');
    await scheduler.send(new DeleteScheduleCommand({ Name: name }));
  });
});
