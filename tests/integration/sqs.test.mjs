// kumo's SQS-compatible queues through the real AWS SDK for JavaScript v3 (JSON protocol) and
// Debian's boto3 (query protocol, sqs_boto3.py) against the real binary: every action, message
// attributes with their MD5 checked against an independent computation, long polling that
// returns as soon as a message is sent, visibility timeouts, redrive to a dead-letter queue,
// batch partial failures, and SQS's errors for bad input (with nothing stored).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  CreateQueueCommand, DeleteQueueCommand, ListQueuesCommand, GetQueueUrlCommand,
  GetQueueAttributesCommand, SetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand,
  SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand, DeleteMessageBatchCommand,
  ChangeMessageVisibilityCommand, ChangeMessageVisibilityBatchCommand,
  ListDeadLetterSourceQueuesCommand, TagQueueCommand, UntagQueueCommand, ListQueueTagsCommand,
  QueueDoesNotExist, QueueNameExists, EmptyBatchRequest, BatchEntryIdsNotDistinct,
  TooManyEntriesInBatchRequest, BatchRequestTooLong, ReceiptHandleIsInvalid,
  InvalidAttributeName, InvalidMessageContents,
} from '@aws-sdk/client-sqs';
import {
  startKumo, sqsClient, rawRequest, uniqueName, expectReject, PYTHON, HERE,
} from './harness.mjs';

const T = { timeout: 120000 };
const ACCOUNT = '000000000000';

let kumo;
let sqs;

before(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  kumo = await startKumo();
  sqs = sqsClient(kumo.endpoint);
});

after(async () => {
  if (kumo) {
    const stopped = await kumo.stop('SIGTERM');
    await kumo.cleanup();
    assert.equal(stopped.code, 0, 'kumo did not exit 0 on SIGTERM');
  }
});

const send = (Command, input) => sqs.send(new Command(input));

async function createQueue(prefix, Attributes, tags) {
  const QueueName = uniqueName(prefix);
  const { QueueUrl } = await send(CreateQueueCommand, { QueueName, Attributes, tags });
  return { QueueName, QueueUrl };
}

async function count(QueueUrl, name = 'ApproximateNumberOfMessages') {
  const { Attributes } = await send(GetQueueAttributesCommand, {
    QueueUrl, AttributeNames: [name],
  });
  return Number(Attributes[name]);
}

// SQS's MD5 of message attributes, written here from the documented algorithm (independent of
// kumo's C++): per attribute in name order, name and type as 4-byte big-endian length + bytes,
// a transport byte (1 String/Number, 2 Binary), then the value as length + bytes.
function md5OfAttributes(attrs) {
  const withLength = (b) => {
    const n = Buffer.alloc(4);
    n.writeUInt32BE(b.length);
    return Buffer.concat([n, b]);
  };
  const parts = [];
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name];
    parts.push(withLength(Buffer.from(name)), withLength(Buffer.from(a.DataType)));
    if (a.DataType.startsWith('Binary')) {
      parts.push(Buffer.from([2]), withLength(Buffer.from(a.BinaryValue)));
    } else {
      parts.push(Buffer.from([1]), withLength(Buffer.from(a.StringValue, 'utf8')));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}

const md5 = (text) => createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex');

test('queues: create, URL, list with paging, attributes, tags, delete', T, async () => {
  const prefix = uniqueName('lst');
  const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
  for (const QueueName of names) {
    await send(CreateQueueCommand, {
      QueueName,
      Attributes: { VisibilityTimeout: '45', DelaySeconds: '1', MessageRetentionPeriod: '3600' },
      tags: { team: 'kumo' },
    });
  }
  const { QueueUrl } = await send(GetQueueUrlCommand, { QueueName: names[0] });
  assert.equal(QueueUrl, `${kumo.endpoint}/${ACCOUNT}/${names[0]}`);
  // Same settings again: the same queue. Different ones: QueueNameExists.
  const again = await send(CreateQueueCommand, {
    QueueName: names[0],
    Attributes: { VisibilityTimeout: '45', DelaySeconds: '1', MessageRetentionPeriod: '3600' },
  });
  assert.equal(again.QueueUrl, QueueUrl);
  const conflict = await expectReject(() => send(CreateQueueCommand, {
    QueueName: names[0], Attributes: { VisibilityTimeout: '46' },
  }));
  assert.ok(conflict instanceof QueueNameExists, `${conflict.name}: ${conflict.message}`);

  const listed = await send(ListQueuesCommand, { QueueNamePrefix: prefix });
  assert.deepEqual(listed.QueueUrls, names.map((n) => `${kumo.endpoint}/${ACCOUNT}/${n}`));
  const page1 = await send(ListQueuesCommand, { QueueNamePrefix: prefix, MaxResults: 2 });
  assert.equal(page1.QueueUrls.length, 2);
  assert.ok(page1.NextToken);
  const page2 = await send(ListQueuesCommand, {
    QueueNamePrefix: prefix, MaxResults: 2, NextToken: page1.NextToken,
  });
  assert.deepEqual(page2.QueueUrls, [`${kumo.endpoint}/${ACCOUNT}/${names[2]}`]);
  assert.equal(page2.NextToken, undefined);

  const before = Math.floor(Date.now() / 1000);
  const { Attributes } = await send(GetQueueAttributesCommand, {
    QueueUrl, AttributeNames: ['All'],
  });
  assert.equal(Attributes.QueueArn, `arn:aws:sqs:us-east-1:${ACCOUNT}:${names[0]}`);
  assert.equal(Attributes.VisibilityTimeout, '45');
  assert.equal(Attributes.DelaySeconds, '1');
  assert.equal(Attributes.MessageRetentionPeriod, '3600');
  assert.equal(Attributes.MaximumMessageSize, '262144');
  assert.equal(Attributes.ReceiveMessageWaitTimeSeconds, '0');
  assert.equal(Attributes.ApproximateNumberOfMessages, '0');
  assert.equal(Attributes.ApproximateNumberOfMessagesNotVisible, '0');
  assert.equal(Attributes.ApproximateNumberOfMessagesDelayed, '0');
  assert.ok(Math.abs(Number(Attributes.CreatedTimestamp) - before) <= 5);

  await send(SetQueueAttributesCommand, {
    QueueUrl, Attributes: { VisibilityTimeout: '7', Policy: '{"Version":"2012-10-17"}' },
  });
  const after = await send(GetQueueAttributesCommand, {
    QueueUrl, AttributeNames: ['VisibilityTimeout', 'Policy'],
  });
  assert.deepEqual(after.Attributes, { VisibilityTimeout: '7', Policy: '{"Version":"2012-10-17"}' });
  const badName = await expectReject(() => send(SetQueueAttributesCommand, {
    QueueUrl, Attributes: { Colour: 'red' },
  }));
  assert.ok(badName instanceof InvalidAttributeName, `${badName.name}: ${badName.message}`);
  const badValue = await expectReject(() => send(SetQueueAttributesCommand, {
    QueueUrl, Attributes: { VisibilityTimeout: '43201' },
  }));
  assert.equal(badValue.name, 'InvalidAttributeValue');

  assert.deepEqual((await send(ListQueueTagsCommand, { QueueUrl })).Tags, { team: 'kumo' });
  await send(TagQueueCommand, { QueueUrl, Tags: { env: 'test' } });
  await send(UntagQueueCommand, { QueueUrl, TagKeys: ['team'] });
  assert.deepEqual((await send(ListQueueTagsCommand, { QueueUrl })).Tags, { env: 'test' });

  for (const QueueName of names) {
    const { QueueUrl: url } = await send(GetQueueUrlCommand, { QueueName });
    await send(DeleteQueueCommand, { QueueUrl: url });
  }
  const gone = await expectReject(() => send(GetQueueUrlCommand, { QueueName: names[0] }));
  assert.ok(gone instanceof QueueDoesNotExist, `${gone.name}: ${gone.message}`);
  assert.equal(gone.$metadata.httpStatusCode, 400);
  const goneSend = await expectReject(() => send(SendMessageCommand, {
    QueueUrl, MessageBody: 'x',
  }));
  assert.ok(goneSend instanceof QueueDoesNotExist);
});

test('send and receive with String, Number and Binary attributes', T, async () => {
  const { QueueUrl } = await createQueue('attrs');
  const binary = Buffer.from([0, 1, 2, 250, 255]);
  const MessageAttributes = {
    color: { DataType: 'String', StringValue: 'bl\u00e9u \u2603' },
    count: { DataType: 'Number', StringValue: '-12.5e3' },
    blob: { DataType: 'Binary', BinaryValue: binary },
    'label.x': { DataType: 'String.custom', StringValue: 'y' },
  };
  const body = 'h\u00e9llo <world> & "friends"\r\n\ttab \u{1F600}';
  const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1';
  const sent = await send(SendMessageCommand, {
    QueueUrl, MessageBody: body, MessageAttributes,
    MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } },
  });
  assert.equal(sent.MD5OfMessageBody, md5(body));
  assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(MessageAttributes));
  assert.equal(sent.MD5OfMessageSystemAttributes,
    md5OfAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: trace } }));
  assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);

  const t0 = Date.now();
  const got = await send(ReceiveMessageCommand, {
    QueueUrl, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
  });
  assert.equal(got.Messages.length, 1);
  const m = got.Messages[0];
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, body);
  assert.equal(m.MD5OfBody, md5(body));
  assert.deepEqual(Buffer.from(m.MessageAttributes.blob.BinaryValue), binary);
  assert.equal(m.MessageAttributes.color.StringValue, 'bl\u00e9u \u2603');
  assert.equal(m.MessageAttributes.count.DataType, 'Number');
  assert.equal(m.MessageAttributes['label.x'].DataType, 'String.custom');
  assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(m.MessageAttributes));
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.ok(m.Attributes.SenderId, 'SenderId names the caller');
  assert.equal(m.Attributes.ApproximateReceiveCount, '1');
  assert.equal(m.Attributes.AWSTraceHeader, trace);
  assert.ok(Math.abs(Number(m.Attributes.SentTimestamp) - t0) < 5000);
  assert.ok(Number(m.Attributes.ApproximateFirstReceiveTimestamp) >= Number(m.Attributes.SentTimestamp));
  assert.equal(await count(QueueUrl, 'ApproximateNumberOfMessagesNotVisible'), 1);

  // Asking for some attributes returns those, with a checksum over just them.
  await send(ChangeMessageVisibilityCommand, {
    QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0,
  });
  const some = await send(ReceiveMessageCommand, {
    QueueUrl, MessageAttributeNames: ['color', 'label.*'],
  });
  const s = some.Messages[0];
  assert.deepEqual(Object.keys(s.MessageAttributes).sort(), ['color', 'label.x']);
  assert.equal(s.MD5OfMessageAttributes, md5OfAttributes(s.MessageAttributes));
  assert.equal(s.Attributes, undefined);
  await send(DeleteMessageCommand, { QueueUrl, ReceiptHandle: s.ReceiptHandle });
  assert.equal(await count(QueueUrl), 0);
  assert.equal(await count(QueueUrl, 'ApproximateNumberOfMessagesNotVisible'), 0);
});

test('long polling returns as soon as a message is sent', T, async () => {
  const { QueueUrl } = await createQueue('poll');
  const started = Date.now();
  let answeredAt = 0;
  const poll = send(ReceiveMessageCommand, { QueueUrl, WaitTimeSeconds: 15 })
    .then((r) => { answeredAt = Date.now(); return r; });
  // It waits while the queue is empty...
  const early = await Promise.race([poll.then(() => 'answered'),
    new Promise((r) => setTimeout(() => r('waiting'), 700))]);
  assert.equal(early, 'waiting');
  const sentAt = Date.now();
  await send(SendMessageCommand, { QueueUrl, MessageBody: 'wake up' });
  const got = await poll;
  // ...and answers right after the send, far before its 15 s.
  assert.equal(got.Messages?.[0]?.Body, 'wake up');
  assert.ok(answeredAt - sentAt < 2000, `answered ${answeredAt - sentAt} ms after the send`);
  assert.ok(answeredAt - started < 10000);

  // An empty queue's long poll ends empty at its wait time.
  const t0 = Date.now();
  const empty = await send(ReceiveMessageCommand, { QueueUrl, WaitTimeSeconds: 1 });
  const took = Date.now() - t0;
  assert.equal(empty.Messages, undefined);
  assert.ok(took >= 900 && took < 5000, `an empty 1 s poll took ${took} ms`);

  // The queue's ReceiveMessageWaitTimeSeconds is the default wait.
  await send(SetQueueAttributesCommand, {
    QueueUrl, Attributes: { ReceiveMessageWaitTimeSeconds: '1' },
  });
  const t1 = Date.now();
  await send(ReceiveMessageCommand, { QueueUrl });
  assert.ok(Date.now() - t1 >= 900);
});

test('visibility timeout: a received message comes back when it expires', T, async () => {
  const { QueueUrl } = await createQueue('vis', { VisibilityTimeout: '1' });
  await send(SendMessageCommand, { QueueUrl, MessageBody: 'again' });
  const first = await send(ReceiveMessageCommand, { QueueUrl });
  assert.equal(first.Messages.length, 1);
  assert.equal((await send(ReceiveMessageCommand, { QueueUrl })).Messages, undefined);
  // A long poll wakes when the visibility timeout ends.
  const t0 = Date.now();
  const second = await send(ReceiveMessageCommand, {
    QueueUrl, WaitTimeSeconds: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'],
  });
  assert.equal(second.Messages[0].Body, 'again');
  assert.equal(second.Messages[0].Attributes.ApproximateReceiveCount, '2');
  assert.ok(Date.now() - t0 < 5000);
  // The first receive's handle still deletes it (as SQS); a made-up handle does not.
  const bad = await expectReject(() => send(DeleteMessageCommand, {
    QueueUrl, ReceiptHandle: 'not-a-handle',
  }));
  assert.ok(bad instanceof ReceiptHandleIsInvalid, `${bad.name}: ${bad.message}`);

  // Batch visibility changes: one good, one bad handle.
  const changed = await send(ChangeMessageVisibilityBatchCommand, {
    QueueUrl,
    Entries: [
      { Id: 'good', ReceiptHandle: second.Messages[0].ReceiptHandle, VisibilityTimeout: 0 },
      { Id: 'bad', ReceiptHandle: 'nonsense', VisibilityTimeout: 0 },
    ],
  });
  assert.deepEqual(changed.Successful.map((e) => e.Id), ['good']);
  assert.equal(changed.Failed[0].Id, 'bad');
  assert.equal(changed.Failed[0].SenderFault, true);
  const third = await send(ReceiveMessageCommand, { QueueUrl, VisibilityTimeout: 30 });
  assert.equal(third.Messages[0].Body, 'again');
  await send(DeleteMessageCommand, { QueueUrl, ReceiptHandle: third.Messages[0].ReceiptHandle });
  assert.equal(await count(QueueUrl), 0);
});

test('redrive: after maxReceiveCount receives a message moves to the dead-letter queue', T, async () => {
  const dlq = await createQueue('dlq');
  const { Attributes: dlqAttrs } = await send(GetQueueAttributesCommand, {
    QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'],
  });
  const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlqAttrs.QueueArn, maxReceiveCount: 2 });
  const src = await createQueue('src', { VisibilityTimeout: '0', RedrivePolicy });
  const { Attributes } = await send(GetQueueAttributesCommand, {
    QueueUrl: src.QueueUrl, AttributeNames: ['RedrivePolicy'],
  });
  assert.deepEqual(JSON.parse(Attributes.RedrivePolicy),
    { deadLetterTargetArn: dlqAttrs.QueueArn, maxReceiveCount: 2 });
  const sources = await send(ListDeadLetterSourceQueuesCommand, { QueueUrl: dlq.QueueUrl });
  assert.deepEqual(sources.queueUrls, [src.QueueUrl]);

  await send(SendMessageCommand, {
    QueueUrl: src.QueueUrl, MessageBody: 'poison',
    MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
  });
  for (let i = 1; i <= 2; i++) {
    const r = await send(ReceiveMessageCommand, {
      QueueUrl: src.QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    assert.equal(r.Messages[0].Attributes.ApproximateReceiveCount, String(i));
  }
  assert.equal((await send(ReceiveMessageCommand, { QueueUrl: src.QueueUrl })).Messages, undefined);
  const dead = await send(ReceiveMessageCommand, {
    QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 5, MessageAttributeNames: ['All'],
  });
  assert.equal(dead.Messages[0].Body, 'poison');
  assert.equal(dead.Messages[0].MessageAttributes.k.StringValue, 'v');

  const missing = await expectReject(() => send(SetQueueAttributesCommand, {
    QueueUrl: src.QueueUrl,
    Attributes: { RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:no-such-queue`, maxReceiveCount: 2 }) },
  }));
  assert.equal(missing.name, 'InvalidAttributeValue');
});

test('batches: partial failures and whole-batch errors', T, async () => {
  const { QueueUrl } = await createQueue('batch', { MaximumMessageSize: '1024' });
  const out = await send(SendMessageBatchCommand, {
    QueueUrl,
    Entries: [
      { Id: 'a', MessageBody: 'first', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } } },
      { Id: 'b', MessageBody: 'x'.repeat(1025) },
      { Id: 'c', MessageBody: 'bad \u0000 char' },
      { Id: 'd', MessageBody: 'later', DelaySeconds: 1 },
      { Id: 'e', MessageBody: 'attr', MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } } },
    ],
  });
  assert.deepEqual(out.Successful.map((e) => e.Id).sort(), ['a', 'd']);
  const a = out.Successful.find((e) => e.Id === 'a');
  assert.equal(a.MD5OfMessageBody, md5('first'));
  assert.equal(a.MD5OfMessageAttributes,
    md5OfAttributes({ n: { DataType: 'Number', StringValue: '1' } }));
  const failed = Object.fromEntries(out.Failed.map((f) => [f.Id, f]));
  assert.deepEqual(Object.keys(failed).sort(), ['b', 'c', 'e']);
  assert.equal(failed.b.Code, 'InvalidParameterValue');
  assert.equal(failed.c.Code, 'InvalidMessageContents');
  assert.equal(failed.e.Code, 'InvalidParameterValue');
  assert.ok(Object.values(failed).every((f) => f.SenderFault === true && f.Message));
  assert.equal(await count(QueueUrl), 1);
  assert.equal(await count(QueueUrl, 'ApproximateNumberOfMessagesDelayed'), 1);

  const empty = await expectReject(() => send(SendMessageBatchCommand, { QueueUrl, Entries: [] }));
  assert.ok(empty instanceof EmptyBatchRequest, `${empty.name}: ${empty.message}`);
  const dup = await expectReject(() => send(SendMessageBatchCommand, {
    QueueUrl, Entries: [{ Id: 'x', MessageBody: '1' }, { Id: 'x', MessageBody: '2' }],
  }));
  assert.ok(dup instanceof BatchEntryIdsNotDistinct, `${dup.name}: ${dup.message}`);
  const many = await expectReject(() => send(SendMessageBatchCommand, {
    QueueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, MessageBody: 'm' })),
  }));
  assert.ok(many instanceof TooManyEntriesInBatchRequest, `${many.name}: ${many.message}`);
  const long = await expectReject(() => send(SendMessageBatchCommand, {
    QueueUrl,
    Entries: Array.from({ length: 2 }, (_, i) => ({ Id: `l${i}`, MessageBody: 'y'.repeat(140000) })),
  }));
  assert.ok(long instanceof BatchRequestTooLong, `${long.name}: ${long.message}`);
  assert.equal(await count(QueueUrl), 1);

  const got = await send(ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 3 });
  const handles = got.Messages.map((m) => m.ReceiptHandle);
  const deleted = await send(DeleteMessageBatchCommand, {
    QueueUrl,
    Entries: [...handles.map((h, i) => ({ Id: `ok${i}`, ReceiptHandle: h })),
      { Id: 'nope', ReceiptHandle: 'garbage' }],
  });
  assert.equal(deleted.Successful.length, handles.length);
  assert.equal(deleted.Failed[0].Id, 'nope');
  assert.equal(deleted.Failed[0].Code, 'ReceiptHandleIsInvalid');
});

test('bad input is refused with SQS errors and nothing is stored', T, async () => {
  const { QueueUrl } = await createQueue('bad', { MaximumMessageSize: '1024' });
  const big = await expectReject(() => send(SendMessageCommand, { QueueUrl, MessageBody: 'z'.repeat(1025) }));
  assert.equal(big.name, 'InvalidParameterValue');
  assert.match(big.message, /shorter than 1024 bytes/);
  const nul = await expectReject(() => send(SendMessageCommand, { QueueUrl, MessageBody: 'a\u0001b' }));
  assert.ok(nul instanceof InvalidMessageContents, `${nul.name}: ${nul.message}`);
  const nonCharacter = await expectReject(() => send(SendMessageCommand, { QueueUrl, MessageBody: '\uFFFF' }));
  assert.ok(nonCharacter instanceof InvalidMessageContents);
  for (const attrs of [
    { 'AWS.reserved': { DataType: 'String', StringValue: 'v' } },
    { n: { DataType: 'Number', StringValue: 'twelve' } },
    { s: { DataType: 'Text', StringValue: 'v' } },
    { s: { DataType: 'String', StringValue: '' } },
  ]) {
    const err = await expectReject(() => send(SendMessageCommand, {
      QueueUrl, MessageBody: 'ok', MessageAttributes: attrs,
    }), JSON.stringify(attrs));
    assert.equal(err.name, 'InvalidParameterValue', JSON.stringify(attrs));
  }
  const delay = await expectReject(() => send(SendMessageCommand, { QueueUrl, MessageBody: 'ok', DelaySeconds: 901 }));
  assert.equal(delay.name, 'InvalidParameterValue');
  const max = await expectReject(() => send(ReceiveMessageCommand, { QueueUrl, MaxNumberOfMessages: 11 }));
  assert.equal(max.name, 'InvalidParameterValue');
  const badName = await expectReject(() => send(CreateQueueCommand, { QueueName: 'no spaces' }));
  assert.equal(badName.name, 'InvalidParameterValue');
  for (const name of ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed']) {
    assert.equal(await count(QueueUrl, name), 0);
  }

  // The wire itself: error shape and header of the JSON protocol.
  const json = (target, body) => rawRequest(kumo.endpoint, 'POST', '/', {
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AmazonSQS.${target}` },
    body,
  });
  const missing = await json('GetQueueUrl', JSON.stringify({ QueueName: 'never-made' }));
  assert.equal(missing.status, 400);
  assert.equal(missing.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  assert.equal(missing.json.__type, 'com.amazonaws.sqs#QueueDoesNotExist');
  assert.ok(missing.headers.get('x-amzn-requestid'));
  const malformed = await json('SendMessage', '{"QueueUrl": ');
  assert.equal(malformed.status, 400);
  assert.ok(malformed.json.__type.endsWith('SerializationException'));
  const unknown = await json('FlyToTheMoon', '{}');
  assert.equal(unknown.status, 400);
  assert.match(unknown.headers.get('x-amzn-query-error'), /^InvalidAction;Sender$/);
  // The query protocol: XML errors, also at a queue URL's path.
  const form = (target, body) => rawRequest(kumo.endpoint, 'POST', target, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body,
  });
  const bogus = await form('/', 'Action=Bogus&Version=2012-11-05');
  assert.equal(bogus.status, 400);
  assert.match(bogus.text, /<ErrorResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/">/);
  assert.match(bogus.text, /<Code>InvalidAction<\/Code>/);
  const byPath = await form(new URL(QueueUrl).pathname,
    'Action=SendMessage&MessageBody=' + encodeURIComponent('via path\r\n<&>'));
  assert.equal(byPath.status, 200, byPath.text);
  assert.match(byPath.text, new RegExp(`<MD5OfMessageBody>${md5('via path\r\n<&>')}</MD5OfMessageBody>`));
  const got = await send(ReceiveMessageCommand, { QueueUrl });
  assert.equal(got.Messages[0].Body, 'via path\r\n<&>');
  // A GET with ?Action= works too.
  const listed = await rawRequest(kumo.endpoint, 'GET', `/?Action=GetQueueUrl&QueueName=${new URL(QueueUrl).pathname.split('/')[2]}`);
  assert.equal(listed.status, 200);
  assert.match(listed.text, new RegExp(`<QueueUrl>${QueueUrl}</QueueUrl>`));
});

test('purge and delete', T, async () => {
  const { QueueUrl } = await createQueue('purge');
  await send(SendMessageBatchCommand, {
    QueueUrl, Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `m${i}` })),
  });
  assert.equal(await count(QueueUrl), 3);
  await send(PurgeQueueCommand, { QueueUrl });
  assert.equal(await count(QueueUrl), 0);
  await send(DeleteQueueCommand, { QueueUrl });
  const gone = await expectReject(() => send(ReceiveMessageCommand, { QueueUrl }));
  assert.ok(gone instanceof QueueDoesNotExist);
});

test('boto3 (query protocol) does the core path', T, async () => {
  const r = spawnSync(PYTHON, [path.join(HERE, 'sqs_boto3.py'), kumo.endpoint], {
    encoding: 'utf8', timeout: 60000,
  });
  assert.equal(r.status, 0, `sqs_boto3.py failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^boto3 sqs ok$/m);
});
