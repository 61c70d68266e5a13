// `kumo deploy` of a kumo.yaml project with queues, a queue-driven worker, async destinations and
// a schedule (examples/queue-worker) against the real server: the first deploy creates the
// queues (tagged with the project), functions, the mapping, the schedule and the async settings;
// orders sent with @aws-sdk/client-sqs and through the producer are processed by the worker and
// a bad one ends in the dead-letter queue; a second deploy changes nothing; removing the schedule
// and a queue from a copy of the file deletes them and nothing outside the project; an invalid
// schedule expression is reported with its place in the file.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand, GetQueueUrlCommand, ListQueueTagsCommand, ReceiveMessageCommand,
  SendMessageBatchCommand, GetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import {
  KUMO_BIN, SOURCE_DIR, startKumo, lambdaClient, rawRequest, runToEnd, waitForLog, expectReject,
  sqsClient, waitForGateway,
} from './harness.mjs';

const T = { timeout: 180000 };
const SCHEDULE = 'queue-worker-worker-1';

let kumo;
let lambda;
let sqs;
let gateway;
let workDir;
let projectDir;

before(async () => {
  kumo = await startKumo({ args: ['--gateway-listen', '127.0.0.1:0'] });
  lambda = lambdaClient(kumo.endpoint);
  sqs = sqsClient(kumo.endpoint);
  gateway = await waitForGateway(kumo);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kumo-it-project-events-'));
  projectDir = path.join(workDir, 'queue-worker');
  fs.cpSync(path.join(SOURCE_DIR, 'examples', 'queue-worker'), projectDir, { recursive: true });
  for (const fn of ['producer', 'worker']) {
    fs.rmSync(path.join(projectDir, fn, '__pycache__'), { recursive: true, force: true });
  }
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

function deploy(args = []) {
  const proc = spawn(KUMO_BIN, ['deploy', ...args], {
    cwd: projectDir,
    env: { ...process.env, KUMO_ENDPOINT: kumo.endpoint },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return runToEnd(proc, { timeoutMs: 60000 });
}

const lines = (r) => r.stdout.trim().split('\n');
const sqsSend = (Command, input) => sqs.send(new Command(input));
const queueUrl = async (name) => (await sqsSend(GetQueueUrlCommand, { QueueName: name })).QueueUrl;
const schedule = (name) => rawRequest(kumo.endpoint, 'GET', `/schedules/${name}`);

// Rewrites kumo.yaml in the working copy, failing if `from` is not in it.
function editFile(from, to) {
  const file = path.join(projectDir, 'kumo.yaml');
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `kumo.yaml has no ${JSON.stringify(from)}`);
  fs.writeFileSync(file, text.replace(from, to));
}

test('a dry run on an empty server plans everything and changes nothing', T, async () => {
  const r = await deploy(['--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(lines(r).at(-1), 'dry run: nothing was changed');
  await expectReject(() => queueUrl('orders'), 'a dry run created a queue');
});

test('the first deploy creates queues, functions, mapping, async settings and schedule', T,
    async () => {
      // A queue made by hand is never the project's.
      await sqsSend(CreateQueueCommand, { QueueName: 'by-hand' });
      const r = await deploy();
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lines(r), [
        '+ queue orders-dlq (created)', '+ queue orders (created)', '+ producer (created)',
        '+ worker (created)', '+ async-config worker (created)', '+ sqs orders -> worker (created)',
        `+ schedule ${SCHEDULE} (created)`,
      ]);
      const orders = await queueUrl('orders');
      const tags = await sqsSend(ListQueueTagsCommand, { QueueUrl: orders });
      assert.equal(tags.Tags['kumo-project'], 'queue-worker');
      const { Attributes: a } = await sqsSend(GetQueueAttributesCommand, {
        QueueUrl: orders, AttributeNames: ['All'],
      });
      assert.equal(a.VisibilityTimeout, '10');
      assert.equal(a.MessageRetentionPeriod, '86400');
      assert.deepEqual(JSON.parse(a.RedrivePolicy), {
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq', maxReceiveCount: 2,
      });
      const mappings = await rawRequest(kumo.endpoint, 'GET',
          '/2015-03-31/event-source-mappings/?FunctionName=worker');
      assert.equal(mappings.json.EventSourceMappings.length, 1);
      const m = mappings.json.EventSourceMappings[0];
      assert.deepEqual([m.EventSourceArn, m.BatchSize, m.MaximumBatchingWindowInSeconds,
        m.FunctionResponseTypes], ['arn:aws:sqs:us-east-1:000000000000:orders', 5, 1,
        ['ReportBatchItemFailures']]);
      const s = await schedule(SCHEDULE);
      assert.equal(s.status, 200, s.text);
      assert.equal(s.json.ScheduleExpression, 'rate(1 minute)');
      assert.equal(s.json.Target.Arn, 'arn:aws:lambda:us-east-1:000000000000:function:worker');
      assert.deepEqual(JSON.parse(s.json.Target.Input), { task: 'heartbeat' });
      assert.match(s.json.Description, /^kumo-project:queue-worker/);
      const config = await rawRequest(kumo.endpoint, 'GET',
          '/2019-09-25/functions/worker/event-invoke-config');
      assert.equal(config.status, 200, config.text);
      assert.equal(config.json.MaximumRetryAttempts, 1);
      assert.equal(config.json.MaximumEventAgeInSeconds, 3600);
      assert.equal(config.json.DestinationConfig.OnFailure.Destination,
          'arn:aws:sqs:us-east-1:000000000000:orders-dlq');
    });

test('orders sent with the SQS SDK and through the producer are processed by the worker', T,
    async () => {
      const orders = await queueUrl('orders');
      const sent = await sqsSend(SendMessageBatchCommand, {
        QueueUrl: orders,
        Entries: ['s1', 's2', 's3'].map((id, i) => ({
          Id: `e${i}`, MessageBody: JSON.stringify({ id, qty: 1 }),
        })),
      });
      assert.equal((sent.Failed || []).length, 0, JSON.stringify(sent.Failed));
      for (const id of ['s1', 's2', 's3']) {
        await waitForLog(kumo.endpoint, 'worker', new RegExp(`processed order ${id}\\b`));
      }
      const viaApi = await lambda.send(new InvokeCommand({
        FunctionName: 'producer', InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ orders: [{ id: 'async-1', qty: 2 }] })),
      }));
      assert.equal(viaApi.StatusCode, 202);
      await waitForLog(kumo.endpoint, 'worker', /processed order async-1\b/);
      const viaHttp = await rawRequest(gateway, 'POST', '/orders', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orders: [{ id: 'http-1', qty: 1 }] }),
      });
      assert.equal(viaHttp.status, 202, viaHttp.text);
      await waitForLog(kumo.endpoint, 'worker', /processed order http-1\b/);
    });

test('an order the worker keeps failing moves to the dead-letter queue', T, async () => {
  const orders = await queueUrl('orders');
  await sqsSend(SendMessageBatchCommand, {
    QueueUrl: orders,
    Entries: [{ Id: 'bad', MessageBody: JSON.stringify({ id: 'bad-1', qty: 0 }) }],
  });
  const dlq = await queueUrl('orders-dlq');
  const deadline = Date.now() + 60000;
  let found;
  while (!found && Date.now() < deadline) {
    const got = await sqsSend(ReceiveMessageCommand, {
      QueueUrl: dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 2,
    });
    found = (got.Messages || []).find((msg) => msg.Body.includes('bad-1'));
  }
  if (!found) {
    const logs = await rawRequest(kumo.endpoint, 'GET', '/kumo/v1/functions/worker/logs?after=0');
    const { Attributes: a } = await sqsSend(GetQueueAttributesCommand, {
      QueueUrl: orders, AttributeNames: ['All'],
    });
    assert.fail(`bad-1 did not reach orders-dlq; orders: ${JSON.stringify(a)}; worker logs:\n${
      (logs.json?.events || []).map((e) => e.message).join('').slice(-3000)}`);
  }
});

test('a second deploy changes nothing', T, async () => {
  const r = await deploy();
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), [
    '= queue orders-dlq (unchanged)', '= queue orders (unchanged)', '= producer (unchanged)',
    '= worker (unchanged)', '= async-config worker (unchanged)',
    '= sqs orders -> worker (unchanged)', `= schedule ${SCHEDULE} (unchanged)`,
  ]);
});

test('an invalid schedule expression is reported with its place in the file', T, async () => {
  const file = path.join(projectDir, 'kumo.yaml');
  const original = fs.readFileSync(file, 'utf8');
  try {
    editFile('rate(1 minute)', 'cron(0 12 * *)');
    const r = await deploy();
    assert.equal(r.code, 1, r.stdout);
    const errLines = r.stderr.trim().split('\n');
    assert.equal(errLines.length, 1, r.stderr);
    const line = original.split('\n').findIndex((l) => l.includes('rate(1 minute)')) + 1;
    assert.match(errLines[0],
        new RegExp(`^kumo: kumo\\.yaml:${line}:\\d+: schedule ${SCHEDULE}: .*ScheduleExpression.*` +
                   'ValidationException'));
    assert.equal((await schedule(SCHEDULE)).json.ScheduleExpression, 'rate(1 minute)');
  } finally {
    fs.writeFileSync(file, original);
  }
});

test('removing the schedule and the dead-letter queue from the file deletes them', T, async () => {
  editFile('      - schedule: {rate: rate(1 minute), input: {task: heartbeat}, missed: skip}\n', '');
  editFile('    deadLetterQueue: {queue: orders-dlq, maxReceiveCount: 2}\n', '');
  editFile('  orders-dlq:\n    retention: 14d\n', '');
  editFile('    destinations: {onFailure: orders-dlq}\n', '');
  const r = await deploy();
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), [
    '~ queue orders (deadLetterQueue)', '= producer (unchanged)', '= worker (unchanged)',
    '~ async-config worker (destinations)', '= sqs orders -> worker (unchanged)',
    `- schedule ${SCHEDULE} (deleted)`, '- queue orders-dlq (deleted)',
  ]);
  assert.equal((await schedule(SCHEDULE)).status, 404);
  await expectReject(() => queueUrl('orders-dlq'), 'orders-dlq still exists');
  const { Attributes: a } = await sqsSend(GetQueueAttributesCommand, {
    QueueUrl: await queueUrl('orders'), AttributeNames: ['All'],
  });
  assert.equal(a.RedrivePolicy, undefined);
  assert.ok(await queueUrl('by-hand'), 'a queue outside the project was touched');
  const again = await deploy();
  assert.equal(again.code, 0, again.stderr);
  assert.ok(lines(again).every((l) => l.startsWith('= ')), again.stdout);
});
