// Event source mappings: a kumo queue drives a Python function through the AWS SDKs. Batches of
// at most BatchSize with the SQS event shape, every message processed and deleted; partial batch
// failures (ReportBatchItemFailures) with the failed messages redriven to a dead-letter queue;
// a function error leaving the whole batch in the queue; the mapping API and its errors.
//
// The functions report what they received by sending a summary of each batch to a results queue
// with plain HTTP in SQS's JSON protocol, at $AWS_ENDPOINT_URL (kumo's API inside the instance).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand,
  ReceiveMessageCommand, DeleteMessageBatchCommand, SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import {
  startKumo, lambdaClient, sqsClient, zipFiles, uniqueName, expectReject,
} from './harness.mjs';

const T = { timeout: 120000 };
const ACCOUNT = '000000000000';
const QUEUE_ARN = (name) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;

const APP_PY = `
import json, os, urllib.request


def report(summary):
    body = json.dumps({"QueueUrl": os.environ["RESULTS_URL"], "MessageBody": json.dumps(summary)})
    req = urllib.request.Request(
        os.environ["AWS_ENDPOINT_URL"].rstrip("/") + "/", data=body.encode(), method="POST",
        headers={"X-Amz-Target": "AmazonSQS.SendMessage",
                 "Content-Type": "application/x-amz-json-1.0"})
    with urllib.request.urlopen(req, timeout=10) as r:
        r.read()


def handler(event, context):
    records = event["Records"]
    report({
        "function": context.function_name,
        "bodies": [r["body"] for r in records],
        "records": records,
    })
    mode = os.environ.get("MODE", "ok")
    if mode == "fail":
        raise RuntimeError("failing on purpose")
    if mode == "partial":
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]}
                                      for r in records if "bad" in r["body"]]}
    return None
`;

let kumo;
let lambda;
let sqs;
let resultsUrl;
const fn = {};

const send = (Command, input) => lambda.send(new Command(input));
const sqsSend = (Command, input) => sqs.send(new Command(input));

before(async () => {
  kumo = await startKumo();
  lambda = lambdaClient(kumo.endpoint);
  sqs = sqsClient(kumo.endpoint);
  resultsUrl = (await sqsSend(CreateQueueCommand, { QueueName: uniqueName('results') })).QueueUrl;
  const zip = zipFiles({ 'app.py': APP_PY });
  for (const mode of ['ok', 'partial', 'fail']) {
    fn[mode] = uniqueName(`esm-${mode}`);
    await send(CreateFunctionCommand, {
      FunctionName: fn[mode], Runtime: 'python3.12', Handler: 'app.handler', Timeout: 10,
      Code: { ZipFile: zip }, Environment: { Variables: { MODE: mode, RESULTS_URL: resultsUrl } },
    });
  }
});

after(async () => {
  if (kumo) {
    const stopped = await kumo.stop('SIGTERM');
    await kumo.cleanup();
    assert.equal(stopped.code, 0, 'kumo did not exit 0 on SIGTERM');
  }
});

async function createQueue(prefix, attributes = {}) {
  const name = uniqueName(prefix);
  const { QueueUrl } = await sqsSend(CreateQueueCommand, { QueueName: name, Attributes: attributes });
  return { name, url: QueueUrl, arn: QUEUE_ARN(name) };
}

async function sendBodies(queue, bodies, attributes) {
  for (let i = 0; i < bodies.length; i += 10) {
    const Entries = bodies.slice(i, i + 10).map((body, j) => ({
      Id: `e${j}`, MessageBody: body, ...(attributes ? { MessageAttributes: attributes } : {}),
    }));
    const out = await sqsSend(SendMessageBatchCommand, { QueueUrl: queue.url, Entries });
    assert.equal((out.Failed || []).length, 0, JSON.stringify(out.Failed));
  }
}

// The batch summaries the functions sent, read (and deleted) from the results queue until
// `done(all summaries so far)` holds, or fails after `timeoutMs`.
const summaries = [];
async function collect(done, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!done(summaries)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(
          summaries.map((s) => [s.function, s.bodies]))}\n${kumo.output().slice(-3000)}`);
    }
    const got = await sqsSend(ReceiveMessageCommand, {
      QueueUrl: resultsUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
    });
    const messages = got.Messages || [];
    for (const m of messages) summaries.push(JSON.parse(m.Body));
    if (messages.length) {
      await sqsSend(DeleteMessageBatchCommand, {
        QueueUrl: resultsUrl,
        Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      });
    }
  }
  return summaries;
}

const bodiesOf = (fnName, list) => list.filter((s) => s.function === fnName)
    .flatMap((s) => s.bodies);

async function counts(queue) {
  const { Attributes: a } = await sqsSend(GetQueueAttributesCommand, {
    QueueUrl: queue.url, AttributeNames: ['All'],
  });
  return { visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

// Polls a condition that no signal announces (a delete committed in the server).
async function until(cond, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await cond();
    if (last === true) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function mapping(queue, functionName, extra = {}) {
  return send(CreateEventSourceMappingCommand, {
    EventSourceArn: queue.arn, FunctionName: functionName, ...extra,
  });
}

test('23 messages are processed in batches of at most 5 and the queue ends empty', T, async () => {
  const queue = await createQueue('esm-src');
  const m = await mapping(queue, fn.ok, { BatchSize: 5 });
  const bodies = Array.from({ length: 23 }, (_, i) => `message ${i}`);
  await sendBodies(queue, bodies, { color: { DataType: 'String', StringValue: 'blue' } });
  const got = await collect((s) => bodiesOf(fn.ok, s).length >= 23, 60000, '23 bodies');
  const batches = got.filter((s) => s.function === fn.ok);
  for (const b of batches) {
    assert.ok(b.bodies.length >= 1 && b.bodies.length <= 5, `batch of ${b.bodies.length}`);
  }
  assert.deepEqual([...bodiesOf(fn.ok, got)].sort(), [...bodies].sort());
  // The records have Lambda's SQS shape.
  const r = batches[0].records[0];
  assert.equal(r.eventSource, 'aws:sqs');
  assert.equal(r.eventSourceARN, queue.arn);
  assert.equal(r.awsRegion, 'us-east-1');
  assert.match(r.messageId, /^[0-9a-f-]{36}$/);
  assert.ok(r.receiptHandle.length > 0);
  assert.match(r.md5OfBody, /^[0-9a-f]{32}$/);
  assert.equal(r.attributes.ApproximateReceiveCount, '1');
  assert.match(r.attributes.SentTimestamp, /^\d{13}$/);
  assert.match(r.attributes.ApproximateFirstReceiveTimestamp, /^\d{13}$/);
  assert.equal(typeof r.attributes.SenderId, 'string');
  assert.deepEqual(r.messageAttributes.color, {
    stringValue: 'blue', stringListValues: [], binaryListValues: [], dataType: 'String',
  });
  await until(async () => {
    const c = await counts(queue);
    return (c.visible === 0 && c.inFlight === 0) || c;
  }, 10000, 'the source queue to be empty');
  await send(DeleteEventSourceMappingCommand, { UUID: m.UUID });
});

test('a batching window gathers more than 10 messages into one batch', T, async () => {
  const queue = await createQueue('esm-window');
  const m = await mapping(queue, fn.ok, { BatchSize: 100, MaximumBatchingWindowInSeconds: 2 });
  const bodies = Array.from({ length: 30 }, (_, i) => `windowed ${i}`);
  await sendBodies(queue, bodies);
  const got = await collect(
      (s) => bodiesOf(fn.ok, s).filter((b) => b.startsWith('windowed')).length >= 30, 30000,
      '30 windowed bodies');
  const batches = got.filter((s) => s.function === fn.ok && s.bodies[0].startsWith('windowed'));
  // Sent within milliseconds, they wait for the window together instead of going 10 at a time.
  assert.ok(batches.some((b) => b.bodies.length > 10),
    `batch sizes ${batches.map((b) => b.bodies.length)}`);
  await send(DeleteEventSourceMappingCommand, { UUID: m.UUID });
});

test('partial batch failures: good messages are deleted, bad ones go to the DLQ', T, async () => {
  const dlq = await createQueue('esm-dlq');
  const queue = await createQueue('esm-partial', {
    VisibilityTimeout: '1',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
  });
  const m = await mapping(queue, fn.partial, {
    BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'],
  });
  assert.deepEqual(m.FunctionResponseTypes, ['ReportBatchItemFailures']);
  const good = ['good 1', 'good 2', 'good 3', 'good 4'];
  const bad = ['bad 1', 'bad 2'];
  await sendBodies(queue, [...good, ...bad]);

  // Both bad messages reach the DLQ after being received maxReceiveCount times.
  const inDlq = [];
  const deadline = Date.now() + 60000;
  while (inDlq.length < 2 && Date.now() < deadline) {
    const got = await sqsSend(ReceiveMessageCommand, {
      QueueUrl: dlq.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, VisibilityTimeout: 60,
    });
    inDlq.push(...(got.Messages || []).map((x) => x.Body));
  }
  assert.deepEqual(inDlq.sort(), bad);
  const got = await collect((s) => bodiesOf(fn.partial, s).length >= 6, 10000, 'first batches');
  const seen = bodiesOf(fn.partial, got);
  // Good messages were deleted after their first (successful) delivery.
  for (const g of good) {
    assert.equal(seen.filter((b) => b === g).length, 1, `${g} seen ${seen.filter((b) => b === g).length} times`);
  }
  for (const b of bad) {
    assert.ok(seen.includes(b), `${b} was never delivered`);
  }
  await until(async () => {
    const c = await counts(queue);
    return (c.visible === 0 && c.inFlight === 0) || c;
  }, 10000, 'the source queue to be empty');
  await send(DeleteEventSourceMappingCommand, { UUID: m.UUID });
});

test('a function error leaves every message of the batch in the queue', T, async () => {
  const queue = await createQueue('esm-fail', { VisibilityTimeout: '2' });
  const m = await mapping(queue, fn.fail, { BatchSize: 10 });
  const bodies = ['f1', 'f2', 'f3', 'f4'];
  await sendBodies(queue, bodies);
  await collect((s) => bodiesOf(fn.fail, s).length >= 4, 60000, 'the failing batch');
  // Stop the mapping; the messages return after their visibility timeout, none deleted.
  const updated = await send(UpdateEventSourceMappingCommand, { UUID: m.UUID, Enabled: false });
  assert.equal(updated.State, 'Updating');
  assert.equal((await send(GetEventSourceMappingCommand, { UUID: m.UUID })).State, 'Disabled');
  const back = new Map();
  const deadline = Date.now() + 20000;
  while (back.size < 4 && Date.now() < deadline) {
    const got = await sqsSend(ReceiveMessageCommand, {
      QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, VisibilityTimeout: 60,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    for (const x of got.Messages || []) {
      back.set(x.Body, Number(x.Attributes.ApproximateReceiveCount));
    }
  }
  assert.deepEqual([...back.keys()].sort(), bodies);
  for (const [body, count] of back) {
    assert.ok(count >= 2, `${body} was received ${count} times: the mapping never had it`);
  }
  await send(DeleteEventSourceMappingCommand, { UUID: m.UUID });
});

test('mapping CRUD through the SDK', T, async () => {
  const queue = await createQueue('esm-crud');
  const created = await mapping(queue, fn.ok, { BatchSize: 7, Enabled: true });
  assert.equal(created.State, 'Creating');
  assert.match(created.UUID, /^[0-9a-f-]{36}$/);
  assert.equal(created.BatchSize, 7);
  assert.equal(created.MaximumBatchingWindowInSeconds, 0);
  assert.equal(created.EventSourceArn, queue.arn);
  assert.equal(created.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn.ok}`);
  assert.ok(created.LastModified instanceof Date);
  assert.ok(Math.abs(created.LastModified.getTime() - Date.now()) < 60000);

  const got = await send(GetEventSourceMappingCommand, { UUID: created.UUID });
  assert.equal(got.State, 'Enabled');
  assert.equal(got.StateTransitionReason, 'USER_INITIATED');
  assert.equal(got.BatchSize, 7);

  const updated = await send(UpdateEventSourceMappingCommand, {
    UUID: created.UUID, BatchSize: 100, MaximumBatchingWindowInSeconds: 3,
    ScalingConfig: { MaximumConcurrency: 2 }, FunctionName: `${fn.partial}`,
  });
  assert.equal(updated.BatchSize, 100);
  assert.equal(updated.MaximumBatchingWindowInSeconds, 3);
  assert.deepEqual(updated.ScalingConfig, { MaximumConcurrency: 2 });
  assert.equal(updated.FunctionArn, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn.partial}`);

  const byQueue = await send(ListEventSourceMappingsCommand, { EventSourceArn: queue.arn });
  assert.deepEqual(byQueue.EventSourceMappings.map((x) => x.UUID), [created.UUID]);
  const byFunction = await send(ListEventSourceMappingsCommand, { FunctionName: fn.partial });
  assert.ok(byFunction.EventSourceMappings.some((x) => x.UUID === created.UUID));
  const second = await mapping(queue, fn.ok);
  const page = await send(ListEventSourceMappingsCommand, {
    EventSourceArn: queue.arn, MaxItems: 1,
  });
  assert.equal(page.EventSourceMappings.length, 1);
  assert.ok(page.NextMarker);
  const rest = await send(ListEventSourceMappingsCommand, {
    EventSourceArn: queue.arn, MaxItems: 1, Marker: page.NextMarker,
  });
  assert.deepEqual([page.EventSourceMappings[0].UUID, rest.EventSourceMappings[0].UUID].sort(),
    [created.UUID, second.UUID].sort());

  // A queue deleted under a mapping shows as its state's reason.
  await sqsSend(DeleteQueueCommand, { QueueUrl: queue.url });
  const orphan = await send(GetEventSourceMappingCommand, { UUID: second.UUID });
  assert.match(orphan.StateTransitionReason, /PROBLEM: .*does not exist/);

  const deleted = await send(DeleteEventSourceMappingCommand, { UUID: created.UUID });
  assert.equal(deleted.State, 'Deleting');
  const gone = await expectReject(() => send(GetEventSourceMappingCommand, { UUID: created.UUID }));
  assert.equal(gone.name, 'ResourceNotFoundException');
  assert.equal(gone.$metadata.httpStatusCode, 404);
  const again = await expectReject(
      () => send(DeleteEventSourceMappingCommand, { UUID: created.UUID }));
  assert.equal(again.name, 'ResourceNotFoundException');
  await send(DeleteEventSourceMappingCommand, { UUID: second.UUID });
});

test('mapping errors: missing queue or function, out-of-range settings, duplicates', T, async () => {
  const queue = await createQueue('esm-err');
  const invalid = async (input, pattern) => {
    const err = await expectReject(() => send(CreateEventSourceMappingCommand, {
      EventSourceArn: queue.arn, FunctionName: fn.ok, ...input,
    }), JSON.stringify(input));
    assert.equal(err.name, 'InvalidParameterValueException', `${JSON.stringify(input)}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.match(err.message, pattern);
  };
  await invalid({ EventSourceArn: QUEUE_ARN('no-such-queue') }, /does not exist/);
  await invalid({ BatchSize: 0 }, /batchSize/);
  await invalid({ BatchSize: 10001 }, /batchSize/);
  await invalid({ BatchSize: 11 }, /batch window/);
  await invalid({ MaximumBatchingWindowInSeconds: 301 }, /maximumBatchingWindowInSeconds/);
  await invalid({ ScalingConfig: { MaximumConcurrency: 1 } }, /maximumConcurrency/);
  await invalid({ FunctionResponseTypes: ['Everything'] }, /ReportBatchItemFailures/);
  await invalid({ StartingPosition: 'LATEST' }, /StartingPosition/);

  const missing = await expectReject(() => mapping(queue, 'no-such-function'));
  assert.equal(missing.name, 'ResourceNotFoundException');
  assert.equal(missing.$metadata.httpStatusCode, 404);

  // By name and by ARN the function is the same: a second mapping is a conflict.
  const first = await mapping(queue, fn.ok);
  const dup = await expectReject(
      () => mapping(queue, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn.ok}`));
  assert.equal(dup.name, 'ResourceConflictException');
  assert.equal(dup.$metadata.httpStatusCode, 409);
  assert.match(dup.message, new RegExp(first.UUID));

  const badUpdate = await expectReject(() => send(UpdateEventSourceMappingCommand, {
    UUID: first.UUID, BatchSize: 50,
  }));
  assert.equal(badUpdate.name, 'InvalidParameterValueException');
  const noSuch = await expectReject(() => send(UpdateEventSourceMappingCommand, {
    UUID: '00000000-0000-0000-0000-000000000000', BatchSize: 5,
  }));
  assert.equal(noSuch.name, 'ResourceNotFoundException');
  await send(DeleteEventSourceMappingCommand, { UUID: first.UUID });
});

test('mappings are restored when kumo restarts', T, async () => {
  const queue = await createQueue('esm-restart');
  const m = await mapping(queue, fn.ok, { BatchSize: 10 });
  kumo = await kumo.restart();
  lambda = lambdaClient(kumo.endpoint);
  sqs = sqsClient(kumo.endpoint);
  const got = await send(GetEventSourceMappingCommand, { UUID: m.UUID });
  assert.equal(got.State, 'Enabled');
  await sendBodies({ ...queue, url: queue.url.replace(/^http:\/\/[^/]+/, kumo.endpoint) },
    ['after restart 1', 'after restart 2']);
  await collect((s) => bodiesOf(fn.ok, s).filter((b) => b.startsWith('after restart')).length >= 2,
    30000, 'messages sent after the restart');
  await send(DeleteEventSourceMappingCommand, { UUID: m.UUID });
});
