// Issue 6: asynchronous invocations (InvocationType Event) with retries, destinations and
// EventInvokeConfig; calls from functions to kumo's API, authorised per function. Real server,
// real instances, the AWS SDK's Lambda and SQS clients.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand, InvokeCommand, PutFunctionConcurrencyCommand, DeleteFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand, GetFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand, ListFunctionEventInvokeConfigsCommand,
  DeleteFunctionEventInvokeConfigCommand, DeleteFunctionCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand, ReceiveMessageCommand, DeleteMessageCommand,
  GetQueueUrlCommand,
} from '@aws-sdk/client-sqs';
import {
  startKumo, lambdaClient, sqsClient, zipFiles, uniqueName, invoke, expectReject, rawRequest,
  waitForLog,
} from './harness.mjs';

const ACCOUNT = '000000000000';
const queueArn = (name) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;

// Logs the event, fails when asked, sleeps when asked.
const WORKER = `
import json, time
def handler(event, context):
    print("EVENT " + json.dumps(event, sort_keys=True))
    time.sleep(event.get("sleep", 0))
    if event.get("fail"):
        raise RuntimeError("asked to fail: " + str(event.get("tag")))
    return {"done": event.get("tag")}
`;

async function createWorker(client, name, extra = {}) {
  await client.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'python3.11', Handler: 'app.handler',
    Role: 'arn:aws:iam::000000000000:role/x', Timeout: 10,
    Code: { ZipFile: zipFiles({ 'app.py': WORKER }) }, ...extra,
  }));
}

async function invokeEvent(client, name, payload) {
  return client.send(new InvokeCommand({
    FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)),
  }));
}

// Every log line of a function so far.
async function logLines(endpoint, name) {
  const r = await rawRequest(endpoint, 'GET', `/kumo/v1/functions/${name}/logs`);
  assert.equal(r.status, 200, r.text);
  return r.json.events.map((e) => e.message);
}

// Receives until `count` messages came from the queue (deleting them), or fails at the deadline.
async function drain(sqs, url, count, deadlineMs = 30000) {
  const got = [];
  const end = Date.now() + deadlineMs;
  while (got.length < count && Date.now() < end) {
    const r = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
    }));
    for (const m of r.Messages || []) {
      got.push(JSON.parse(m.Body));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  assert.equal(got.length, count, `expected ${count} records, got ${JSON.stringify(got)}`);
  return got;
}

describe('async invocations', () => {
  let kumo;
  let client;
  let sqs;
  before(async () => {
    kumo = await startKumo({ args: ['--async-retry-delay', '200ms'] });
    client = lambdaClient(kumo.endpoint);
    sqs = sqsClient(kumo.endpoint);
  });
  after(async () => {
    await kumo?.cleanup();
  });

  test('Event answers 202 with a request id, then the function runs with the payload', async () => {
    const name = uniqueName('async');
    await createWorker(client, name);
    const out = await invokeEvent(client, name, { tag: 'hello' });
    assert.equal(out.StatusCode, 202);
    const id = out.$metadata.requestId;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const start = await waitForLog(kumo.endpoint, name, new RegExp(`START RequestId: ${id}`));
    assert.ok(start);
    await waitForLog(kumo.endpoint, name, /EVENT \{"tag": "hello"\}/);
    await waitForLog(kumo.endpoint, name, new RegExp(`REPORT RequestId: ${id}`));
  });

  test('bad events are refused at the door', async () => {
    const name = uniqueName('async-bad');
    await createWorker(client, name);
    const path = `/2015-03-31/functions/${name}/invocations`;
    const headers = { 'X-Amz-Invocation-Type': 'Event' };
    let r = await rawRequest(kumo.endpoint, 'POST', path, { headers, body: '{not json' });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
    r = await rawRequest(kumo.endpoint, 'POST', path,
        { headers, body: JSON.stringify({ big: 'x'.repeat(300 * 1024) }) });
    assert.equal(r.status, 413);
    assert.match(r.json.Message, /262144 bytes/);
    r = await rawRequest(kumo.endpoint, 'POST', `/2015-03-31/functions/${name}-none/invocations`,
        { headers, body: '{}' });
    assert.equal(r.status, 404);
    r = await rawRequest(kumo.endpoint, 'POST', path,
        { headers: { 'X-Amz-Invocation-Type': 'Later' }, body: '{}' });
    assert.equal(r.status, 400);
    // Nothing of these ran.
    assert.deepEqual((await logLines(kumo.endpoint, name)).filter((l) => l.startsWith('START')), []);
  });

  test('a failing event is retried MaximumRetryAttempts times, then recorded on failure', async () => {
    const name = uniqueName('async-fail');
    const dlq = uniqueName('dlq');
    await createWorker(client, name);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: dlq }));
    const put = await client.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: name, MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: queueArn(dlq) } },
    }));
    assert.equal(put.MaximumRetryAttempts, 2);
    const out = await invokeEvent(client, name, { fail: true, tag: 'doomed' });
    const id = out.$metadata.requestId;
    const [record] = await drain(sqs, QueueUrl, 1);
    assert.equal(record.version, '1.0');
    assert.equal(record.requestContext.requestId, id);
    assert.equal(record.requestContext.condition, 'RetriesExhausted');
    assert.equal(record.requestContext.approximateInvokeCount, 3);
    assert.equal(record.requestContext.functionArn,
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}:$LATEST`);
    assert.deepEqual(record.requestPayload, { fail: true, tag: 'doomed' });
    assert.equal(record.responseContext.functionError, 'Unhandled');
    assert.equal(record.responsePayload.errorType, 'RuntimeError');
    assert.match(record.responsePayload.errorMessage, /asked to fail: doomed/);
    const starts = (await logLines(kumo.endpoint, name))
        .filter((l) => l.startsWith(`START RequestId: ${id}`));
    assert.equal(starts.length, 3, 'one attempt and two retries');
  });

  test('MaximumRetryAttempts 0 runs a failing event once; successes go to OnSuccess', async () => {
    const name = uniqueName('async-once');
    const ok = uniqueName('ok');
    const bad = uniqueName('bad');
    await createWorker(client, name);
    const okUrl = (await sqs.send(new CreateQueueCommand({ QueueName: ok }))).QueueUrl;
    const badUrl = (await sqs.send(new CreateQueueCommand({ QueueName: bad }))).QueueUrl;
    await client.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: name, MaximumRetryAttempts: 0,
      DestinationConfig: {
        OnSuccess: { Destination: queueArn(ok) }, OnFailure: { Destination: queueArn(bad) },
      },
    }));
    const failed = await invokeEvent(client, name, { fail: true, tag: 'f' });
    const good = await invokeEvent(client, name, { tag: 'g' });
    const [success] = await drain(sqs, okUrl, 1);
    assert.equal(success.requestContext.condition, 'Success');
    assert.equal(success.requestContext.requestId, good.$metadata.requestId);
    assert.deepEqual(success.responsePayload, { done: 'g' });
    assert.equal(success.responseContext.functionError, undefined);
    const [failure] = await drain(sqs, badUrl, 1);
    assert.equal(failure.requestContext.requestId, failed.$metadata.requestId);
    assert.equal(failure.requestContext.approximateInvokeCount, 1);
    const starts = (await logLines(kumo.endpoint, name))
        .filter((l) => l.startsWith(`START RequestId: ${failed.$metadata.requestId}`));
    assert.equal(starts.length, 1);
  });

  test('EventInvokeConfig: put, get, update, list, delete and their errors', async () => {
    const name = uniqueName('eic');
    const q = uniqueName('eicq');
    await createWorker(client, name);
    await sqs.send(new CreateQueueCommand({ QueueName: q }));
    let err = await expectReject(() => client.send(new GetFunctionEventInvokeConfigCommand({
      FunctionName: name })));
    assert.equal(err.name, 'ResourceNotFoundException');
    await client.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: name, MaximumEventAgeInSeconds: 120,
      DestinationConfig: { OnFailure: { Destination: queueArn(q) } },
    }));
    const updated = await client.send(new UpdateFunctionEventInvokeConfigCommand({
      FunctionName: name, MaximumRetryAttempts: 1,
    }));
    assert.equal(updated.MaximumRetryAttempts, 1);
    assert.equal(updated.MaximumEventAgeInSeconds, 120, 'update keeps what it does not name');
    assert.equal(updated.DestinationConfig.OnFailure.Destination, queueArn(q));
    const got = await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }));
    assert.equal(got.MaximumRetryAttempts, 1);
    assert.ok(got.LastModified instanceof Date);
    const list = await client.send(new ListFunctionEventInvokeConfigsCommand({
      FunctionName: name }));
    assert.equal(list.FunctionEventInvokeConfigs.length, 1);
    // Put replaces the whole configuration.
    const replaced = await client.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: name, MaximumRetryAttempts: 0 }));
    assert.equal(replaced.MaximumEventAgeInSeconds, 21600);
    assert.equal(replaced.DestinationConfig.OnFailure.Destination, undefined);
    for (const bad of [
      { MaximumRetryAttempts: 3 },
      { MaximumEventAgeInSeconds: 59 },
      { DestinationConfig: { OnFailure: { Destination: queueArn('no-such-queue-here') } } },
      { DestinationConfig: { OnFailure: { Destination: 'arn:aws:sns:us-east-1:1:topic' } } },
    ]) {
      err = await expectReject(() => client.send(new PutFunctionEventInvokeConfigCommand({
        FunctionName: name, ...bad })), JSON.stringify(bad));
      assert.equal(err.name, 'InvalidParameterValueException', JSON.stringify(bad));
    }
    err = await expectReject(() => client.send(new PutFunctionEventInvokeConfigCommand({
      FunctionName: `${name}-none`, MaximumRetryAttempts: 0 })));
    assert.equal(err.name, 'ResourceNotFoundException');
    await client.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name }));
    err = await expectReject(() => client.send(new DeleteFunctionEventInvokeConfigCommand({
      FunctionName: name })));
    assert.equal(err.name, 'ResourceNotFoundException');
  });

  test('async work leaves synchronous callers their share of the concurrency', async () => {
    const name = uniqueName('async-share');
    await createWorker(client, name);
    await client.send(new PutFunctionConcurrencyCommand({
      FunctionName: name, ReservedConcurrentExecutions: 2 }));
    for (let i = 0; i < 6; i++) await invokeEvent(client, name, { sleep: 1, tag: `bg${i}` });
    // While the backlog runs, synchronous calls are never throttled.
    for (let i = 0; i < 3; i++) {
      const r = await invoke(client, name, { tag: `fg${i}` });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { done: `fg${i}` });
    }
    for (let i = 0; i < 6; i++) await waitForLog(kumo.endpoint, name, new RegExp(`"tag": "bg${i}"`));
  });

  test('throttled events wait, survive a restart and run once the function may run', async () => {
    const name = uniqueName('async-restart');
    await createWorker(client, name);
    // Reserved concurrency 0: every attempt is throttled, which is retried, not counted.
    await client.send(new PutFunctionConcurrencyCommand({
      FunctionName: name, ReservedConcurrentExecutions: 0 }));
    for (let i = 0; i < 5; i++) await invokeEvent(client, name, { tag: `r${i}` });
    // Logs are kept on disk too: a call made before the restart is still in them after it.
    const witness = uniqueName('witness');
    await createWorker(client, witness);
    const before = await invoke(client, witness, { tag: 'before-restart' });
    kumo = await kumo.restart();
    client = lambdaClient(kumo.endpoint);
    sqs = sqsClient(kumo.endpoint);
    assert.deepEqual((await logLines(kumo.endpoint, name)).filter((l) => l.startsWith('START')), []);
    const kept = await logLines(kumo.endpoint, witness);
    assert.ok(kept.some((l) => l.includes(`START RequestId: ${before.requestId}`)), kept.join('\n'));
    assert.ok(kept.some((l) => l.includes('"tag": "before-restart"')));
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
    for (let i = 0; i < 5; i++) await waitForLog(kumo.endpoint, name, new RegExp(`"tag": "r${i}"`));
  });

  test('deleting a function drops its waiting events', async () => {
    const name = uniqueName('async-gone');
    await createWorker(client, name);
    await invokeEvent(client, name, { sleep: 2, tag: 'x' });
    await client.send(new DeleteFunctionCommand({ FunctionName: name }));
    const r = await rawRequest(kumo.endpoint, 'POST', `/2015-03-31/functions/${name}/invocations`,
        { headers: { 'X-Amz-Invocation-Type': 'Event' }, body: '{}' });
    assert.equal(r.status, 404);
  });
});

// Functions reach kumo's API with their own credentials; another function's are refused.
const CALLER = `
import json, os, urllib.request, urllib.error
def handler(event, context):
    mode = event["mode"]
    if mode == "creds":
        return {k: os.environ[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    if mode == "plain":
        body = json.dumps({"QueueUrl": event["queue"], "MessageBody": "plain from " + context.function_name})
        req = urllib.request.Request(endpoint + "/", data=body.encode(), method="POST", headers={
            "X-Amz-Target": "AmazonSQS.SendMessage", "Content-Type": "application/x-amz-json-1.0"})
        return {"status": urllib.request.urlopen(req).status}
    if mode == "manage":
        try:
            urllib.request.urlopen(urllib.request.Request(
                endpoint + "/2015-03-31/functions/" + event["victim"], method="DELETE"))
            return {"status": 200}
        except urllib.error.HTTPError as e:
            return {"status": e.code, "body": e.read().decode()}
    import boto3
    kwargs = {}
    if mode == "sdk-other":
        kwargs = dict(aws_access_key_id=event["creds"]["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=event["creds"]["AWS_SECRET_ACCESS_KEY"],
                      aws_session_token=event["creds"]["AWS_SESSION_TOKEN"])
    sqs = boto3.client("sqs", **kwargs)
    try:
        sqs.send_message(QueueUrl=event["queue"], MessageBody="sdk from " + context.function_name)
        return {"status": 200}
    except Exception as e:
        return {"status": "error", "code": getattr(e, "response", {}).get("Error", {}).get("Code"), "text": str(e)}
`;

describe('calls from functions to kumo', () => {
  let kumo;
  let client;
  let sqs;
  before(async () => {
    kumo = await startKumo();
    client = lambdaClient(kumo.endpoint);
    sqs = sqsClient(kumo.endpoint);
  });
  after(async () => {
    await kumo?.cleanup();
  });

  test('a function uses queues with its own credentials or none, never another\'s', async () => {
    const a = uniqueName('fa');
    const b = uniqueName('fb');
    const q = uniqueName('shared');
    for (const name of [a, b]) {
      await client.send(new CreateFunctionCommand({
        FunctionName: name, Runtime: 'python3.11', Handler: 'app.handler',
        Role: 'arn:aws:iam::000000000000:role/x', Timeout: 20, MemorySize: 256,
        Code: { ZipFile: zipFiles({ 'app.py': CALLER }) },
      }));
    }
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: q }));
    // Inside the instance the queue URL names kumo's in-namespace address.
    const inside = QueueUrl.replace(/^http:\/\/[^/]+/, 'http://127.0.0.1:9000');
    const credsA = (await invoke(client, a, { mode: 'creds' })).json;
    const credsB = (await invoke(client, b, { mode: 'creds' })).json;
    assert.notEqual(credsA.AWS_ACCESS_KEY_ID, credsB.AWS_ACCESS_KEY_ID);
    assert.notEqual(credsA.AWS_SESSION_TOKEN, credsB.AWS_SESSION_TOKEN);

    let r = await invoke(client, b, { mode: 'sdk', queue: inside });
    assert.deepEqual(r.json, { status: 200 }, r.text);
    r = await invoke(client, b, { mode: 'plain', queue: inside });
    assert.deepEqual(r.json, { status: 200 }, r.text);
    r = await invoke(client, b, { mode: 'sdk-other', queue: inside, creds: credsA });
    assert.equal(r.json.status, 'error', r.text);
    assert.equal(r.json.code, 'AccessDenied', r.text);
    r = await invoke(client, b, { mode: 'manage', victim: a });
    assert.equal(r.json.status, 403, r.text);
    assert.match(r.json.body, /not allowed/);
    assert.equal((await invoke(client, a, { mode: 'creds' })).status, 200, 'a is still there');

    const bodies = [];
    const end = Date.now() + 10000;
    while (bodies.length < 2 && Date.now() < end) {
      const got = await sqs.send(new ReceiveMessageCommand({
        QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ['SenderId'] }));
      for (const m of got.Messages || []) {
        bodies.push([m.Body, m.Attributes?.SenderId]);
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    assert.deepEqual(bodies.map(([body]) => body).sort(), [`plain from ${b}`, `sdk from ${b}`]);
    // The refused call stored nothing.
    const more = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    assert.equal((more.Messages || []).length, 0);
  });
});
