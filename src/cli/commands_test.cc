// The commands against a scripted Transport: which requests they send and what they print.

#include "cli/commands.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <sstream>

#include "cli/test_temp_dir.h"
#include "common/encoding.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

// Answers each Send with the next scripted reply and records the requests.
class FakeTransport : public Transport {
 public:
  void Add(int status, std::string body, HeaderList headers = {}) {
    replies_.push_back(HttpReply{status, std::move(headers), std::move(body)});
  }
  void AddFailure(std::string message) { failures_at_[replies_.size()] = std::move(message); }

  Result<HttpReply> Send(const HttpRequest& request) override {
    sent.push_back(request);
    if (auto it = failures_at_.find(sent.size() - 1 - consumed_failures_); it != failures_at_.end()) {
      ++consumed_failures_;
      std::string message = it->second;
      failures_at_.erase(it);
      return MakeError(ErrorCode::kUnavailable, message);
    }
    if (replies_.empty()) {
      // Like a user pressing Ctrl-C once the scripted part of a follow session is over.
      if (catching) interrupted_ = true;
      return MakeError(ErrorCode::kInternal, "script ran out");
    }
    HttpReply reply = std::move(replies_.front());
    replies_.pop_front();
    return reply;
  }
  void CatchInterrupt() override { catching = true; }
  bool Interrupted() const override { return interrupted_; }

  std::vector<HttpRequest> sent;
  bool catching = false;

 private:
  std::deque<HttpReply> replies_;
  std::map<size_t, std::string> failures_at_;
  size_t consumed_failures_ = 0;
  bool interrupted_ = false;
};

class CommandsTest : public ::testing::Test {
 protected:
  Io io() { return Io{in_, out_, err_}; }
  std::istringstream in_;
  std::ostringstream out_, err_;
  FakeTransport transport_;
};

DeploySpec Spec() {
  DeploySpec spec;
  spec.name = "hello";
  spec.runtime = "python3.12";
  spec.handler = "app.handler";
  return spec;
}

TEST_F(CommandsTest, DeployCreatesWhenGetSays404) {
  TempDir dir;
  dir.Write("app.py", "x");
  transport_.Add(404, R"({"Type":"User","Message":"not found"})",
                 {{"X-Amzn-ErrorType", "ResourceNotFoundException"}});
  transport_.Add(201, R"({"FunctionName":"hello","Runtime":"python3.12","MemorySize":128,
                          "Timeout":3,"CodeSha256":"SHA=","CodeSize":99})");
  ASSERT_EQ(Deploy(transport_, Spec(), dir.path().string(), io()), 0) << err_.str();
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].method, "GET");
  EXPECT_EQ(transport_.sent[1].method, "POST");
  EXPECT_EQ(transport_.sent[1].target, "/2015-03-31/functions");
  EXPECT_EQ(out_.str(),
            "deployed hello (python3.12, 128 MB, 3 s): created, code sha256 SHA=, 99 bytes\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CommandsTest, DeployUpdatesCodeThenConfigurationWhenFunctionExists) {
  TempDir dir;
  dir.Write("app.py", "x");
  transport_.Add(200, R"({"Configuration":{"FunctionName":"hello"}})");
  transport_.Add(200, R"({"FunctionName":"hello"})");
  transport_.Add(200, R"({"FunctionName":"hello","Runtime":"python3.12","MemorySize":512,
                          "Timeout":30,"CodeSha256":"NEW=","CodeSize":7})");
  DeploySpec spec = Spec();
  spec.memory_mb = 512;
  ASSERT_EQ(Deploy(transport_, spec, dir.path().string(), io()), 0) << err_.str();
  ASSERT_EQ(transport_.sent.size(), 3u);
  EXPECT_EQ(transport_.sent[1].target, "/2015-03-31/functions/hello/code");
  EXPECT_EQ(transport_.sent[2].target, "/2015-03-31/functions/hello/configuration");
  EXPECT_EQ(json::parse(transport_.sent[2].body).at("MemorySize"), 512);
  EXPECT_EQ(out_.str(),
            "deployed hello (python3.12, 512 MB, 30 s): updated, code sha256 NEW=, 7 bytes\n");
}

TEST_F(CommandsTest, DeployStopsOnFailedCodeUpdate) {
  TempDir dir;
  transport_.Add(200, "{}");
  transport_.Add(400, R"({"Type":"User","Message":"zip is corrupt"})",
                 {{"X-Amzn-ErrorType", "InvalidParameterValueException"}});
  EXPECT_EQ(Deploy(transport_, Spec(), dir.path().string(), io()), 1);
  EXPECT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(err_.str(), "kumo: zip is corrupt (InvalidParameterValueException)\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CommandsTest, DeployOfMissingFolderSendsNothing) {
  EXPECT_EQ(Deploy(transport_, Spec(), "/nonexistent/kumo/dir", io()), 1);
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_EQ(err_.str(), "kumo: folder \"/nonexistent/kumo/dir\" does not exist\n");
}

TEST_F(CommandsTest, DeployReportsUnreachableServer) {
  TempDir dir;
  transport_.AddFailure("cannot reach kumo at http://x:1: Connection refused");
  EXPECT_EQ(Deploy(transport_, Spec(), dir.path().string(), io()), 1);
  EXPECT_EQ(err_.str(), "kumo: cannot reach kumo at http://x:1: Connection refused\n");
}

TEST_F(CommandsTest, InvokePrintsBodyAndTailLog) {
  transport_.Add(200, R"({"ok":true})", {{"X-Amz-Log-Result", Base64Encode("START\nhello\nEND")}});
  InvokeArgs args{"hello", R"({"k":1})", true};
  EXPECT_EQ(Invoke(transport_, args, io()), 0);
  EXPECT_EQ(transport_.sent.at(0).body, R"({"k":1})");
  EXPECT_EQ(out_.str(), "{\"ok\":true}\n");
  EXPECT_EQ(err_.str(), "START\nhello\nEND\n");
}

TEST_F(CommandsTest, InvokeFunctionErrorExitsOne) {
  transport_.Add(200, R"({"errorMessage":"boom","errorType":"ValueError","stackTrace":[]})",
                 {{"X-Amz-Function-Error", "Unhandled"}});
  EXPECT_EQ(Invoke(transport_, InvokeArgs{"hello", "", false}, io()), 1);
  EXPECT_EQ(transport_.sent.at(0).body, "{}");
  EXPECT_EQ(out_.str(), R"({"errorMessage":"boom","errorType":"ValueError","stackTrace":[]})" "\n");
  EXPECT_EQ(err_.str(), "kumo: hello failed: ValueError: boom\n");
}

TEST_F(CommandsTest, InvokeUnknownFunction) {
  transport_.Add(404, R"({"Type":"User","Message":"Function not found"})",
                 {{"X-Amzn-ErrorType", "ResourceNotFoundException"}});
  EXPECT_EQ(Invoke(transport_, InvokeArgs{"nope", "", false}, io()), 1);
  EXPECT_EQ(err_.str(), "kumo: function \"nope\" not found\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CommandsTest, InvokeBadPayloadSendsNothing) {
  EXPECT_EQ(Invoke(transport_, InvokeArgs{"f", "{oops", false}, io()), 1);
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(CommandsTest, ListFollowsMarkers) {
  transport_.Add(200, R"({"Functions":[{"FunctionName":"a","Runtime":"python3.12","MemorySize":128,
                           "Timeout":3,"LastModified":"2025-01-01T00:00:00.000+0000"}],
                           "NextMarker":"m1"})");
  transport_.Add(200, R"({"Functions":[{"FunctionName":"longer-name","Runtime":"nodejs20.x",
                           "MemorySize":1024,"Timeout":900,"LastModified":"X"}]})");
  EXPECT_EQ(ListFunctions(transport_, io()), 0) << err_.str();
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_NE(transport_.sent[1].target.find("Marker=m1"), std::string::npos);
  EXPECT_EQ(out_.str(),
            "NAME         RUNTIME     MEMORY  TIMEOUT  LAST_MODIFIED\n"
            "a            python3.12  128     3        2025-01-01T00:00:00.000+0000\n"
            "longer-name  nodejs20.x  1024    900      X\n");
}

TEST_F(CommandsTest, RemovePrintsDeleted) {
  transport_.Add(204, "");
  EXPECT_EQ(RemoveFunction(transport_, "hello", io()), 0);
  EXPECT_EQ(transport_.sent.at(0).method, "DELETE");
  EXPECT_EQ(out_.str(), "deleted hello\n");
}

TEST_F(CommandsTest, LogsReadsFullPagesUntilShortOne) {
  std::string full = R"({"events":[)";
  for (int seq = 1; seq <= 1000; ++seq) {
    if (seq > 1) full += ',';
    full.append(R"({"seq":)").append(std::to_string(seq)).append(R"(,"timestamp":0,"message":"line\n"})");
  }
  full += R"(],"nextSeq":1001})";
  transport_.Add(200, full);
  transport_.Add(200, R"({"events":[{"seq":1001,"timestamp":1764100000123,"requestId":"r",
                          "message":"last"}],"nextSeq":1002})");
  EXPECT_EQ(ShowLogs(transport_, "hello", false, io()), 0) << err_.str();
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_NE(transport_.sent[1].target.find("after=1000&"), std::string::npos);
  EXPECT_EQ(transport_.sent[1].target.find("wait="), std::string::npos);
  EXPECT_FALSE(transport_.catching);
  std::string out = out_.str();
  EXPECT_EQ(out.substr(0, 30), "1970-01-01T00:00:00.000Z line\n");
  EXPECT_EQ(out.substr(out.size() - 30), "2025-11-25T19:46:40.123Z last\n");
}

TEST_F(CommandsTest, LogsFollowContinuesBehindNextSeq) {
  transport_.Add(200, R"({"events":[{"seq":1,"timestamp":0,"message":"a"},
                                    {"seq":2,"timestamp":0,"message":"b"}],"nextSeq":3})");
  transport_.Add(200, R"({"events":[],"nextSeq":3})");
  transport_.Add(200, R"({"events":[{"seq":3,"timestamp":0,"message":"c"}],"nextSeq":4})");
  EXPECT_EQ(ShowLogs(transport_, "f", true, io()), 0) << err_.str();
  EXPECT_TRUE(transport_.catching);
  std::vector<std::string> targets;
  for (const HttpRequest& request : transport_.sent) targets.push_back(request.target);
  EXPECT_EQ(targets, (std::vector<std::string>{
                         "/kumo/v1/functions/f/logs?after=0&limit=1000&wait=20",
                         "/kumo/v1/functions/f/logs?after=2&limit=1000&wait=20",
                         "/kumo/v1/functions/f/logs?after=2&limit=1000&wait=20",
                         "/kumo/v1/functions/f/logs?after=3&limit=1000&wait=20"}));
  EXPECT_EQ(out_.str(), "1970-01-01T00:00:00.000Z a\n1970-01-01T00:00:00.000Z b\n"
                        "1970-01-01T00:00:00.000Z c\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(CommandsTest, LogsOfUnknownFunction) {
  transport_.Add(404, "{}", {{"X-Amzn-ErrorType", "ResourceNotFoundException"}});
  EXPECT_EQ(ShowLogs(transport_, "ghost", true, io()), 1);
  EXPECT_EQ(err_.str(), "kumo: function \"ghost\" not found\n");
}

}  // namespace
}  // namespace kumo::cli
