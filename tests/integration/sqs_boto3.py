"""kumo's SQS queues through Debian's boto3 (botocore 1.29 speaks SQS's query protocol: form
posts, XML replies). Run by sqs.test.mjs as: /usr/bin/python3 sqs_boto3.py <endpoint>.
Prints "boto3 sqs ok" when every check passed; any failure raises (non-zero exit)."""

import hashlib
import struct
import sys
import uuid

import boto3


def md5_of_attributes(attributes):
    """SQS's MD5 of message attributes, from the documented algorithm (independent of kumo)."""
    def with_length(b):
        return struct.pack(">I", len(b)) + b
    out = b""
    for name in sorted(attributes):
        a = attributes[name]
        out += with_length(name.encode()) + with_length(a["DataType"].encode())
        if a["DataType"].startswith("Binary"):
            out += b"\x02" + with_length(a["BinaryValue"])
        else:
            out += b"\x01" + with_length(a["StringValue"].encode())
    return hashlib.md5(out).hexdigest()


def main(endpoint):
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="x", aws_secret_access_key="x")
    name = "boto-" + uuid.uuid4().hex[:12]
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "20"},
                           tags={"owner": "boto"})["QueueUrl"]
    assert url.endswith("/000000000000/" + name), url
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert url in sqs.list_queues(QueueNamePrefix=name)["QueueUrls"]

    attributes = {
        "text": {"DataType": "String", "StringValue": "caf\u00e9 <&> \u2603"},
        "number": {"DataType": "Number", "StringValue": "42.5"},
        "blob": {"DataType": "Binary", "BinaryValue": bytes([0, 1, 2, 254, 255])},
    }
    body = "hello from boto3 \u00e9\r\nline <two> & 'three'"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), sent
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(attributes), sent

    got = sqs.receive_message(QueueUrl=url, AttributeNames=["All"],
                              MessageAttributeNames=["All"], WaitTimeSeconds=2)
    messages = got["Messages"]
    assert len(messages) == 1, got
    m = messages[0]
    assert m["MessageId"] == sent["MessageId"]
    assert m["Body"] == body, repr(m["Body"])
    assert m["MD5OfBody"] == hashlib.md5(body.encode()).hexdigest()
    assert m["MessageAttributes"]["blob"]["BinaryValue"] == bytes([0, 1, 2, 254, 255])
    assert m["MessageAttributes"]["text"]["StringValue"] == "caf\u00e9 <&> \u2603"
    assert m["MessageAttributes"]["number"]["DataType"] == "Number"
    assert m["MD5OfMessageAttributes"] == md5_of_attributes(m["MessageAttributes"]), m
    assert m["Attributes"]["ApproximateReceiveCount"] == "1", m["Attributes"]
    assert m["Attributes"]["SenderId"], m["Attributes"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    batch = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "one", "MessageBody": "1"},
        {"Id": "two", "MessageBody": "2", "DelaySeconds": 0},
        {"Id": "bad", "MessageBody": "\x01"},
    ])
    assert sorted(e["Id"] for e in batch["Successful"]) == ["one", "two"], batch
    assert [f["Id"] for f in batch["Failed"]] == ["bad"], batch
    assert batch["Failed"][0]["Code"] == "InvalidMessageContents", batch
    assert batch["Failed"][0]["SenderFault"] is True
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2)
    handles = [x["ReceiptHandle"] for x in got["Messages"]]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": "m%d" % i, "ReceiptHandle": h} for i, h in enumerate(handles)])
    assert len(deleted["Successful"]) == len(handles), deleted

    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "3"})
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["DelaySeconds"] == "3", attrs
    assert attrs["VisibilityTimeout"] == "20", attrs
    assert attrs["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:" + name, attrs
    assert attrs["ApproximateNumberOfMessages"] == "0", attrs
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"owner": "boto"}

    sqs.delete_queue(QueueUrl=url)
    try:
        sqs.get_queue_url(QueueName=name)
        raise AssertionError("get_queue_url of a deleted queue succeeded")
    except sqs.exceptions.QueueDoesNotExist as e:
        assert e.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue", e.response
    try:
        sqs.send_message(QueueUrl=url, MessageBody="x")
        raise AssertionError("send to a deleted queue succeeded")
    except sqs.exceptions.QueueDoesNotExist:
        pass
    print("boto3 sqs ok")


if __name__ == "__main__":
    main(sys.argv[1])
