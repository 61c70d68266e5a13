// SqsService's actions against an in-memory store, with a manual clock and manual timers.

#include "api/sqs/sqs_service.h"

#include <gtest/gtest.h>

#include <set>

#include "api/sqs/fake_queue_store_test_util.h"
#include "api/sqs/md5.h"

namespace kumo::api::sqs {
namespace {
namespace json = boost::json;

// Timers that fire only when the test advances the clock.
class ManualTimers {
 public:
  class Timer : public net::Timer {
   public:
    explicit Timer(ManualTimers* owner) : owner_(owner) { owner_->timers_.insert(this); }
    ~Timer() override { owner_->timers_.erase(this); }
    void Start(std::chrono::milliseconds delay, std::function<void()> callback) override {
      due_ = owner_->now + delay.count();
      callback_ = std::move(callback);
    }
    void Cancel() override { callback_ = nullptr; }

   private:
    friend class ManualTimers;
    ManualTimers* owner_;
    int64_t due_ = 0;
    std::function<void()> callback_;
  };

  // Moves the clock to `to`, firing due timers in order of their due time.
  void AdvanceTo(int64_t to) {
    while (true) {
      Timer* next = nullptr;
      for (Timer* t : timers_) {
        if (t->callback_ && t->due_ <= to && (!next || t->due_ < next->due_)) next = t;
      }
      if (!next) break;
      now = std::max(now, next->due_);
      std::function<void()> fn = std::move(next->callback_);
      next->callback_ = nullptr;
      fn();  // may destroy `next`
    }
    now = to;
  }
  size_t armed() const {
    size_t n = 0;
    for (Timer* t : timers_) n += t->callback_ != nullptr;
    return n;
  }

  int64_t now = 1'700'000'000'000;

 private:
  std::set<Timer*> timers_;
};

// {"RedrivePolicy": "<policy JSON as a string>"} naming `target` with `count` (written as given).
std::string Redrive(const std::string& target, const std::string& count) {
  json::object policy{{"deadLetterTargetArn", "arn:aws:sqs:us-east-1:000000000000:" + target}};
  policy["maxReceiveCount"] = json::parse(count);
  return json::serialize(json::object{{"RedrivePolicy", json::serialize(policy)}});
}

class SqsServiceTest : public ::testing::Test {
 protected:
  SqsServiceTest()
      : service_(
            store_, "us-east-1", "000000000000", [this] { return timers_.now; },
            [this] { return std::make_unique<ManualTimers::Timer>(&timers_); }) {}

  // Runs an action and everything the store completes; the reply must have come.
  SqsResult<json::object> Call(const std::string& action, std::string_view input) {
    std::optional<SqsResult<json::object>> out = Start(action, input);
    store_.RunPending();
    EXPECT_TRUE(out.has_value()) << action << " did not answer";
    return out ? *out : SqsResult<json::object>(InternalFailure("no answer"));
  }
  json::object Ok(const std::string& action, std::string_view input) {
    SqsResult<json::object> r = Call(action, input);
    EXPECT_TRUE(r.ok()) << action << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : json::object();
  }
  std::string ErrorCode(const std::string& action, std::string_view input) {
    SqsResult<json::object> r = Call(action, input);
    return r.ok() ? "ok" : r.error().query_code;
  }
  // Starts an action without running the store's completions; `*slot` gets the reply.
  std::shared_ptr<std::optional<SqsResult<json::object>>> StartAsync(const std::string& action,
                                                                     std::string_view input) {
    auto slot = std::make_shared<std::optional<SqsResult<json::object>>>();
    service_.Execute(action, json::parse(input).as_object(), ctx_,
                     [slot](SqsResult<json::object> r) { *slot = std::move(r); });
    return slot;
  }
  std::optional<SqsResult<json::object>> Start(const std::string& action, std::string_view input) {
    auto slot = StartAsync(action, input);
    store_.RunPending();
    return *slot;
  }
  void CreateQueue(const std::string& name, const std::string& attributes = "{}") {
    Ok("CreateQueue", R"({"QueueName": ")" + name + R"(", "Attributes": )" + attributes + "}");
  }

  FakeQueueStore store_;
  ManualTimers timers_;
  CallContext ctx_{"127.0.0.1:9000", "AIDSENDER", ""};
  SqsService service_;
  const std::string url_ = "http://127.0.0.1:9000/000000000000/q";
};

TEST_F(SqsServiceTest, CreateGetUrlAndList) {
  json::object created = Ok("CreateQueue", R"({"QueueName": "q"})");
  EXPECT_EQ(created.at("QueueUrl"), json::value(url_));
  EXPECT_EQ(Ok("CreateQueue", R"({"QueueName": "q"})").at("QueueUrl"),
            json::value(url_));  // idempotent
  EXPECT_EQ(ErrorCode("CreateQueue", R"({"QueueName": "q", "Attributes": {"DelaySeconds": "4"}})"),
            "QueueAlreadyExists");
  EXPECT_EQ(Ok("GetQueueUrl", R"({"QueueName": "q"})").at("QueueUrl"), json::value(url_));
  EXPECT_EQ(ErrorCode("GetQueueUrl", R"({"QueueName": "nope"})"),
            "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(ErrorCode("CreateQueue", R"({"QueueName": "bad name"})"), "InvalidParameterValue");
  EXPECT_EQ(ErrorCode("CreateQueue", R"({"QueueName": "~internal"})"), "InvalidParameterValue");
  EXPECT_EQ(ErrorCode("CreateQueue", R"({})"), "MissingParameter");

  CreateQueue("q2");
  CreateQueue("other");
  json::object all = Ok("ListQueues", "{}");
  EXPECT_EQ(all.at("QueueUrls").as_array().size(), 3u);
  json::object prefixed = Ok("ListQueues", R"({"QueueNamePrefix": "q"})");
  EXPECT_EQ(prefixed.at("QueueUrls").as_array().size(), 2u);
  json::object page1 = Ok("ListQueues", R"({"MaxResults": 2})");
  ASSERT_EQ(page1.at("QueueUrls").as_array().size(), 2u);
  std::string token(page1.at("NextToken").as_string());
  json::object page2 = Ok("ListQueues", R"({"MaxResults": 2, "NextToken": ")" + token + "\"}");
  ASSERT_EQ(page2.at("QueueUrls").as_array().size(), 1u);
  EXPECT_FALSE(page2.contains("NextToken"));
  EXPECT_TRUE(Ok("ListQueues", R"({"QueueNamePrefix": "~"})").empty());
  EXPECT_EQ(ErrorCode("ListQueues", R"({"MaxResults": 0})"), "InvalidParameterValue");
}

TEST_F(SqsServiceTest, QueueUrlOfAnyHostAndPathQueue) {
  CreateQueue("q");
  Ok("GetQueueAttributes", R"({"QueueUrl": "https://elsewhere:1/123/q"})");
  EXPECT_EQ(ErrorCode("GetQueueAttributes", R"({"QueueUrl": "http://h/1/~internal"})"),
            "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(ErrorCode("GetQueueAttributes", "{}"), "MissingParameter");
  ctx_.path_queue = "q";
  Ok("GetQueueAttributes", "{}");
}

TEST_F(SqsServiceTest, QueueAttributes) {
  CreateQueue("dlq");
  CreateQueue("q", R"({"VisibilityTimeout": "45", "DelaySeconds": "2", "Policy": "{}"})");
  json::object attrs =
      Ok("GetQueueAttributes", R"({"QueueUrl": ")" + url_ + R"(", "AttributeNames": ["All"]})")
          .at("Attributes")
          .as_object();
  EXPECT_EQ(attrs.at("QueueArn"), "arn:aws:sqs:us-east-1:000000000000:q");
  EXPECT_EQ(attrs.at("VisibilityTimeout"), "45");
  EXPECT_EQ(attrs.at("DelaySeconds"), "2");
  EXPECT_EQ(attrs.at("MaximumMessageSize"), "262144");
  EXPECT_EQ(attrs.at("Policy"), "{}");
  EXPECT_EQ(attrs.at("ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(attrs.at("CreatedTimestamp"), json::value(std::to_string(timers_.now / 1000)));
  EXPECT_FALSE(attrs.contains("RedrivePolicy"));

  json::object one = Ok("GetQueueAttributes",
                        R"({"QueueUrl": ")" + url_ + R"(", "AttributeNames": ["DelaySeconds"]})");
  EXPECT_EQ(one.at("Attributes").as_object().size(), 1u);
  EXPECT_EQ(ErrorCode("GetQueueAttributes",
                      R"({"QueueUrl": ")" + url_ + R"(", "AttributeNames": ["Colour"]})"),
            "InvalidAttributeName");

  std::string set = R"({"QueueUrl": ")" + url_ + R"(", "Attributes": )";
  Ok("SetQueueAttributes", set + Redrive("dlq", R"("3")") + "}");
  json::object after = Ok("GetQueueAttributes", R"({"QueueUrl": ")" + url_ +
                                                    R"(", "AttributeNames": ["RedrivePolicy"]})");
  json::value policy = json::parse(after.at("Attributes").at("RedrivePolicy").as_string());
  EXPECT_EQ(policy.at("deadLetterTargetArn"), "arn:aws:sqs:us-east-1:000000000000:dlq");
  EXPECT_EQ(policy.at("maxReceiveCount"), 3);
  json::object sources =
      Ok("ListDeadLetterSourceQueues", R"({"QueueUrl": "http://h/000000000000/dlq"})");
  EXPECT_EQ(sources.at("queueUrls").as_array()[0], json::value(url_));

  EXPECT_EQ(ErrorCode("SetQueueAttributes", set + R"({"VisibilityTimeout": "43201"}})"),
            "InvalidAttributeValue");
  EXPECT_EQ(ErrorCode("SetQueueAttributes", set + R"({"Colour": "red"}})"), "InvalidAttributeName");
  EXPECT_EQ(ErrorCode("SetQueueAttributes", set + R"({"QueueArn": "x"}})"), "InvalidAttributeName");
  EXPECT_EQ(ErrorCode("SetQueueAttributes", set + Redrive("nope", "3") + "}"),
            "InvalidAttributeValue");
  EXPECT_EQ(ErrorCode("SetQueueAttributes", set + Redrive("dlq", "0") + "}"),
            "InvalidAttributeValue");
  // A failed set changes nothing, not even the attributes before the bad one.
  EXPECT_EQ(ErrorCode("SetQueueAttributes", set + R"({"DelaySeconds": "9", "Zzz": "1"}})"),
            "InvalidAttributeName");
  EXPECT_EQ(store_.GetQueue("q")->delay_s, 2);
}

TEST_F(SqsServiceTest, Tags) {
  CreateQueue("q");
  Ok("TagQueue", R"({"QueueUrl": ")" + url_ + R"(", "Tags": {"a": "1", "b": "2"}})");
  Ok("UntagQueue", R"({"QueueUrl": ")" + url_ + R"(", "TagKeys": ["a"]})");
  json::object tags = Ok("ListQueueTags", R"({"QueueUrl": ")" + url_ + R"("})");
  EXPECT_EQ(json::serialize(tags), R"({"Tags":{"b":"2"}})");
}

TEST_F(SqsServiceTest, SendAnswersOnlyAfterTheCommit) {
  CreateQueue("q");
  auto slot = StartAsync("SendMessage", R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "hello",
      "MessageAttributes": {"attribName1": {"DataType": "String", "StringValue": "attribValue 1"}},
      "MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String",
          "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"}}})");
  EXPECT_FALSE(slot->has_value());  // the fake store has not committed yet
  store_.RunPending();
  ASSERT_TRUE(slot->has_value());
  ASSERT_TRUE((*slot)->ok());
  const json::object& out = (*slot)->value();
  EXPECT_EQ(out.at("MD5OfMessageBody"), json::value(Md5Hex("hello")));
  EXPECT_EQ(out.at("MD5OfMessageAttributes"), "19e27d4e946b072f3f58da80d94fd778");
  EXPECT_EQ(out.at("MD5OfMessageSystemAttributes"), "5f48eef650c1d0207456969c85af2fdd");
  EXPECT_EQ(out.at("MessageId"), "m1");
  const store::StoredMessage& stored = store_.message("q", 0);
  EXPECT_EQ(stored.content.sender_id, "AIDSENDER");
  EXPECT_EQ(stored.content.delay_s, -1);
  EXPECT_EQ(json::parse(stored.content.message_attributes_json).at("attribName1").at("StringValue"),
            "attribValue 1");
}

TEST_F(SqsServiceTest, BadSendsStoreNothing) {
  CreateQueue("q", R"({"MaximumMessageSize": "1024"})");
  std::string head = R"({"QueueUrl": ")" + url_ + R"(", )";
  EXPECT_EQ(ErrorCode("SendMessage", head + R"("MessageBody": ""})"), "MissingParameter");
  EXPECT_EQ(ErrorCode("SendMessage", head + R"("MessageBody": "a\u0000b"})"),
            "InvalidMessageContents");
  EXPECT_EQ(ErrorCode("SendMessage", head + R"("MessageBody": ")" + std::string(1025, 'x') + "\"}"),
            "InvalidParameterValue");
  // Attributes count toward the size: 1000 + "n" + "String" + 20 > 1024.
  EXPECT_EQ(ErrorCode("SendMessage", head + R"("MessageBody": ")" + std::string(1000, 'x') +
                                         R"(", "MessageAttributes": {"n": {"DataType": "String",
                                         "StringValue": ")" +
                                         std::string(20, 'v') + "\"}}}"),
            "InvalidParameterValue");
  EXPECT_EQ(ErrorCode("SendMessage", head + R"("MessageBody": "x", "DelaySeconds": 901})"),
            "InvalidParameterValue");
  EXPECT_EQ(ErrorCode("SendMessage", head + R"("MessageBody": "x", "MessageAttributes":
                                         {"n": {"DataType": "Number", "StringValue": "abc"}}})"),
            "InvalidParameterValue");
  EXPECT_EQ(ErrorCode("SendMessage", R"({"QueueUrl": "http://h/1/nope", "MessageBody": "x"})"),
            "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(store_.sends(), 0);
  EXPECT_EQ(store_.message_count("q"), 0u);
  Ok("SendMessage", head + R"("MessageBody": ")" + std::string(1024, 'x') + "\"}");
  EXPECT_EQ(store_.message_count("q"), 1u);
}

TEST_F(SqsServiceTest, SendBatchPartialFailureAndBatchErrors) {
  CreateQueue("q");
  std::string head = R"({"QueueUrl": ")" + url_ + R"(", "Entries": )";
  json::object out = Ok("SendMessageBatch", head + R"([
      {"Id": "good", "MessageBody": "one", "DelaySeconds": 3},
      {"Id": "bad", "MessageBody": "\u0001"},
      {"Id": "good2", "MessageBody": "two", "MessageAttributes":
          {"b": {"DataType": "Binary", "BinaryValue": "SGVsbG8gYmluYXJ5IHdvcmxkIQ=="}}}]})");
  const json::array& ok = out.at("Successful").as_array();
  const json::array& failed = out.at("Failed").as_array();
  ASSERT_EQ(ok.size(), 2u);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(ok[0].at("Id"), "good");
  EXPECT_EQ(ok[0].at("MD5OfMessageBody"), json::value(Md5Hex("one")));
  EXPECT_EQ(ok[1].at("Id"), "good2");
  EXPECT_EQ(failed[0].at("Id"), "bad");
  EXPECT_EQ(failed[0].at("Code"), "InvalidMessageContents");
  EXPECT_EQ(failed[0].at("SenderFault"), true);
  EXPECT_EQ(store_.message_count("q"), 2u);
  EXPECT_EQ(store_.sends(), 1);  // one commit for the whole batch
  EXPECT_EQ(store_.message("q", 0).content.delay_s, 3);

  EXPECT_EQ(ErrorCode("SendMessageBatch", head + "[]}"),
            "AWS.SimpleQueueService.EmptyBatchRequest");
  json::array eleven;
  for (int i = 0; i < 11; ++i) {
    eleven.push_back(json::object{{"Id", "i" + std::to_string(i)}, {"MessageBody", "x"}});
  }
  EXPECT_EQ(ErrorCode("SendMessageBatch", head + json::serialize(eleven) + "}"),
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
  EXPECT_EQ(
      ErrorCode("SendMessageBatch",
                head + R"([{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}]})"),
      "AWS.SimpleQueueService.BatchEntryIdsNotDistinct");
  EXPECT_EQ(ErrorCode("SendMessageBatch", head + R"([{"Id": "a b", "MessageBody": "x"}]})"),
            "AWS.SimpleQueueService.InvalidBatchEntryId");
  std::string big(200000, 'x');
  EXPECT_EQ(
      ErrorCode("SendMessageBatch", head + R"([{"Id": "a", "MessageBody": ")" + big +
                                        R"("}, {"Id": "b", "MessageBody": ")" + big + "\"}]}"),
      "AWS.SimpleQueueService.BatchRequestTooLong");
  EXPECT_EQ(store_.message_count("q"), 2u);
}

TEST_F(SqsServiceTest, ReceiveRendersAttributesAndDeleteRemoves) {
  CreateQueue("q");
  Ok("SendMessage", R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "hi", "MessageAttributes": {
      "attribName1": {"DataType": "String", "StringValue": "attribValue 1"},
      "other": {"DataType": "Number", "StringValue": "5"}}})");
  timers_.now += 1500;
  json::object out = Ok("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(",
      "AttributeNames": ["All"], "MessageAttributeNames": ["attribName1"]})");
  const json::object& m = out.at("Messages").as_array()[0].as_object();
  EXPECT_EQ(m.at("Body"), "hi");
  EXPECT_EQ(m.at("MD5OfBody"), json::value(Md5Hex("hi")));
  EXPECT_EQ(m.at("Attributes").at("SenderId"), "AIDSENDER");
  EXPECT_EQ(m.at("Attributes").at("ApproximateReceiveCount"), "1");
  EXPECT_EQ(m.at("Attributes").at("SentTimestamp"),
            json::value(std::to_string(timers_.now - 1500)));
  EXPECT_EQ(m.at("Attributes").at("ApproximateFirstReceiveTimestamp"),
            json::value(std::to_string(timers_.now)));
  // Only the asked-for attribute, and the checksum covers just that one.
  EXPECT_EQ(m.at("MessageAttributes").as_object().size(), 1u);
  EXPECT_EQ(m.at("MD5OfMessageAttributes"), "19e27d4e946b072f3f58da80d94fd778");

  // In flight now: nothing more to receive; no attributes were asked, none are returned.
  EXPECT_TRUE(Ok("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"("})").empty());
  std::string handle(m.at("ReceiptHandle").as_string());
  Ok("ChangeMessageVisibility", R"({"QueueUrl": ")" + url_ + R"(", "ReceiptHandle": ")" + handle +
                                    R"(", "VisibilityTimeout": 0})");
  // Visible again, so no longer in flight: SQS's InvalidParameterValue.
  EXPECT_EQ(
      ErrorCode("ChangeMessageVisibility", R"({"QueueUrl": ")" + url_ + R"(", "ReceiptHandle": ")" +
                                               handle + R"(", "VisibilityTimeout": 5})"),
      "InvalidParameterValue");
  json::object again = Ok("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"("})");
  const json::object& m2 = again.at("Messages").as_array()[0].as_object();
  EXPECT_FALSE(m2.contains("Attributes"));
  EXPECT_FALSE(m2.contains("MessageAttributes"));
  std::string handle2(m2.at("ReceiptHandle").as_string());
  EXPECT_EQ(
      ErrorCode("DeleteMessage", R"({"QueueUrl": ")" + url_ + R"(", "ReceiptHandle": "garbage"})"),
      "ReceiptHandleIsInvalid");
  Ok("DeleteMessage", R"({"QueueUrl": ")" + url_ + R"(", "ReceiptHandle": ")" + handle2 + "\"}");
  EXPECT_EQ(store_.message_count("q"), 0u);
  EXPECT_EQ(
      ErrorCode("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "MaxNumberOfMessages": 11})"),
      "InvalidParameterValue");
  EXPECT_EQ(
      ErrorCode("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "WaitTimeSeconds": 21})"),
      "InvalidParameterValue");
}

TEST_F(SqsServiceTest, BatchDeleteAndVisibility) {
  CreateQueue("q");
  Ok("SendMessage", R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "a"})");
  Ok("SendMessage", R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "b"})");
  json::object got =
      Ok("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "MaxNumberOfMessages": 10})");
  const json::array& messages = got.at("Messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  std::string h0(messages[0].at("ReceiptHandle").as_string());
  std::string h1(messages[1].at("ReceiptHandle").as_string());
  json::object vis =
      Ok("ChangeMessageVisibilityBatch", R"({"QueueUrl": ")" + url_ + R"(", "Entries": [
      {"Id": "a", "ReceiptHandle": ")" + h0 + R"(", "VisibilityTimeout": 60},
      {"Id": "b", "ReceiptHandle": "nonsense", "VisibilityTimeout": 60},
      {"Id": "c", "ReceiptHandle": ")" + h1 + R"(", "VisibilityTimeout": 99999}]})");
  EXPECT_EQ(vis.at("Successful").as_array().size(), 1u);
  ASSERT_EQ(vis.at("Failed").as_array().size(), 2u);
  EXPECT_EQ(vis.at("Failed").as_array()[0].at("Code"), "ReceiptHandleIsInvalid");
  EXPECT_EQ(vis.at("Failed").as_array()[1].at("Code"), "InvalidParameterValue");
  json::object del = Ok("DeleteMessageBatch", R"({"QueueUrl": ")" + url_ + R"(", "Entries": [
      {"Id": "a", "ReceiptHandle": ")" + h0 + R"("}, {"Id": "b", "ReceiptHandle": "nonsense"},
      {"Id": "c", "ReceiptHandle": ")" + h1 + R"("}]})");
  EXPECT_EQ(del.at("Successful").as_array().size(), 2u);
  EXPECT_EQ(del.at("Failed").as_array()[0].at("Id"), "b");
  EXPECT_EQ(store_.message_count("q"), 0u);
}

TEST_F(SqsServiceTest, LongPollAnswersWhenAMessageArrives) {
  CreateQueue("q");
  auto poll =
      StartAsync("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "WaitTimeSeconds": 20})");
  store_.RunPending();
  EXPECT_FALSE(poll->has_value());
  EXPECT_EQ(service_.waiting_receives(), 1u);
  timers_.AdvanceTo(timers_.now + 3000);
  EXPECT_FALSE(poll->has_value());
  auto send =
      StartAsync("SendMessage", R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "wake"})");
  EXPECT_FALSE(poll->has_value());  // not before the commit
  store_.RunPending();
  ASSERT_TRUE(poll->has_value());
  ASSERT_TRUE((*poll)->ok());
  EXPECT_EQ((*poll)->value().at("Messages").as_array()[0].at("Body"), "wake");
  EXPECT_EQ(service_.waiting_receives(), 0u);
  EXPECT_EQ(timers_.armed(), 0u);
}

TEST_F(SqsServiceTest, LongPollEndsEmptyAtItsDeadline) {
  CreateQueue("q", R"({"ReceiveMessageWaitTimeSeconds": "5"})");
  int64_t start = timers_.now;
  auto poll = StartAsync("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"("})");  // queue's wait
  timers_.AdvanceTo(start + 4999);
  EXPECT_FALSE(poll->has_value());
  timers_.AdvanceTo(start + 5000);
  ASSERT_TRUE(poll->has_value());
  EXPECT_TRUE((*poll)->value().empty());
}

TEST_F(SqsServiceTest, LongPollWakesWhenVisibilityOrDelayEnds) {
  CreateQueue("q");
  Ok("SendMessage", R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "m"})");
  Ok("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "VisibilityTimeout": 2})");
  int64_t start = timers_.now;
  auto poll =
      StartAsync("ReceiveMessage",
                 R"({"QueueUrl": ")" + url_ +
                     R"(", "WaitTimeSeconds": 10, "AttributeNames": ["ApproximateReceiveCount"]})");
  timers_.AdvanceTo(start + 1999);
  EXPECT_FALSE(poll->has_value());
  timers_.AdvanceTo(start + 2000);
  ASSERT_TRUE(poll->has_value());
  EXPECT_EQ(
      (*poll)->value().at("Messages").as_array()[0].at("Attributes").at("ApproximateReceiveCount"),
      "2");

  Ok("SendMessage",
     R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "later", "DelaySeconds": 3})");
  start = timers_.now;
  auto delayed =
      StartAsync("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "WaitTimeSeconds": 10})");
  store_.RunPending();
  EXPECT_FALSE(delayed->has_value());
  timers_.AdvanceTo(start + 3000);
  ASSERT_TRUE(delayed->has_value());
  EXPECT_EQ((*delayed)->value().at("Messages").as_array()[0].at("Body"), "later");
}

TEST_F(SqsServiceTest, RedriveAfterMaxReceiveCount) {
  CreateQueue("dlq");
  CreateQueue("q", Redrive("dlq", "2"));
  Ok("SendMessage", R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "poison"})");
  std::string receive = R"({"QueueUrl": ")" + url_ + R"(", "VisibilityTimeout": 0})";
  EXPECT_EQ(Ok("ReceiveMessage", receive).at("Messages").as_array().size(), 1u);
  EXPECT_EQ(Ok("ReceiveMessage", receive).at("Messages").as_array().size(), 1u);
  EXPECT_TRUE(Ok("ReceiveMessage", receive).empty());
  json::object dead = Ok("ReceiveMessage", R"({"QueueUrl": "http://h/000000000000/dlq"})");
  EXPECT_EQ(dead.at("Messages").as_array()[0].at("Body"), "poison");
}

TEST_F(SqsServiceTest, ShutdownAnswersWaitersEmpty) {
  CreateQueue("q");
  auto a =
      StartAsync("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "WaitTimeSeconds": 20})");
  auto b =
      StartAsync("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "WaitTimeSeconds": 20})");
  service_.Shutdown();
  ASSERT_TRUE(a->has_value() && b->has_value());
  EXPECT_TRUE((*a)->value().empty());
  EXPECT_EQ(service_.waiting_receives(), 0u);
  EXPECT_EQ(timers_.armed(), 0u);
  // Once shutting down, a long poll answers at once instead of waiting.
  auto late =
      StartAsync("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "WaitTimeSeconds": 20})");
  ASSERT_TRUE(late->has_value());
  EXPECT_EQ(service_.waiting_receives(), 0u);
}

TEST_F(SqsServiceTest, DeletedQueueEndsItsLongPollWithAnError) {
  CreateQueue("q");
  auto poll =
      StartAsync("ReceiveMessage", R"({"QueueUrl": ")" + url_ + R"(", "WaitTimeSeconds": 20})");
  Ok("DeleteQueue", R"({"QueueUrl": ")" + url_ + R"("})");
  timers_.AdvanceTo(timers_.now + 20000);
  ASSERT_TRUE(poll->has_value());
  EXPECT_EQ((*poll)->error().query_code, "AWS.SimpleQueueService.NonExistentQueue");
}

TEST_F(SqsServiceTest, PurgeAndUnknownAction) {
  CreateQueue("q");
  Ok("SendMessage", R"({"QueueUrl": ")" + url_ + R"(", "MessageBody": "m"})");
  Ok("PurgeQueue", R"({"QueueUrl": ")" + url_ + R"("})");
  EXPECT_EQ(store_.message_count("q"), 0u);
  EXPECT_EQ(ErrorCode("FlyToTheMoon", "{}"), "InvalidAction");
  EXPECT_EQ(ErrorCode("StartMessageMoveTask", "{}"), "AWS.SimpleQueueService.UnsupportedOperation");
  EXPECT_EQ(ErrorCode("AddPermission", "{}"), "AWS.SimpleQueueService.UnsupportedOperation");
}

}  // namespace
}  // namespace kumo::api::sqs
