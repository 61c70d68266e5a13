// The whole CLI (argument parsing, Beast client, commands) against a fake HTTP server.

#include <archive.h>
#include <archive_entry.h>
#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "cli/cli.h"
#include "cli/fake_http_server.h"
#include "cli/test_temp_dir.h"
#include "common/encoding.h"

namespace kumo::cli {
namespace {

namespace json = boost::json;

struct CliOutput {
  int code = -1;
  std::string out, err;
};

CliOutput RunCli(const std::vector<std::string>& args, const std::string& endpoint,
                 const std::string& stdin_text = "") {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  CliOutput result;
  result.code = Run(args, Io{in, out, err}, endpoint);
  result.out = out.str();
  result.err = err.str();
  return result;
}

std::set<std::string> ZipNames(const std::string& zip) {
  std::set<std::string> names;
  archive* reader = archive_read_new();
  archive_read_support_format_zip(reader);
  archive_read_open_memory(reader, zip.data(), zip.size());
  archive_entry* entry;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    names.insert(archive_entry_pathname(entry));
  }
  archive_read_free(reader);
  return names;
}

// A stand-in for the management API that remembers which functions exist.
ScriptedReply FunctionsApi(std::set<std::string>& existing, const SeenRequest& request) {
  const std::string prefix = "/2015-03-31/functions";
  auto config = [](const std::string& name, int64_t memory) {
    return json::serialize(json::object{{"FunctionName", name}, {"Runtime", "python3.12"},
                                        {"MemorySize", memory}, {"Timeout", 3},
                                        {"CodeSha256", "abc="}, {"CodeSize", 42}});
  };
  if (request.method == "POST" && request.target == prefix) {
    json::object body = json::parse(request.body).as_object();
    existing.insert(std::string(body["FunctionName"].as_string()));
    return {201, {}, config(std::string(body["FunctionName"].as_string()), 128)};
  }
  std::string rest = request.target.substr(prefix.size() + 1);
  std::string name = rest.substr(0, rest.find('/'));
  if (!existing.count(name)) {
    return {404, {{"X-Amzn-ErrorType", "ResourceNotFoundException"}},
            R"({"Type":"User","Message":"Function not found"})"};
  }
  if (request.method == "PUT" && rest == name + "/configuration") {
    return {200, {}, config(name, json::parse(request.body).at("MemorySize").as_int64())};
  }
  return {200, {}, config(name, 128)};
}

TEST(CliFakeServerTest, DeployCreatesThenUpdates) {
  std::set<std::string> existing;
  FakeHttpServer server([&](const SeenRequest& r) { return FunctionsApi(existing, r); });
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  dir.Write("app.py", "def handler(e, c):\n    return e\n");
  dir.Write("pkg/util.py", "X = 1\n");

  CliOutput first = RunCli({"deploy", dir.path().string(), "--name", "hello", "--runtime",
                            "python3.12", "--handler", "app.handler", "--env", "A=1", "--env",
                            "B=two"},
                           server.url());
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out, "deployed hello (python3.12, 128 MB, 3 s): created, code sha256 abc=, 42 bytes\n");
  CliOutput second = RunCli({"--endpoint", server.url(), "deploy", dir.path().string(), "--name",
                             "hello", "--runtime", "python3.12", "--handler", "app.handler",
                             "--memory", "256"},
                            "http://127.0.0.1:1");
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(second.out, "deployed hello (python3.12, 256 MB, 3 s): updated, code sha256 abc=, 42 bytes\n");

  std::vector<SeenRequest> seen = server.requests();
  std::vector<std::string> calls;
  for (const SeenRequest& r : seen) calls.push_back(r.method + " " + r.target);
  EXPECT_EQ(calls, (std::vector<std::string>{
                       "GET /2015-03-31/functions/hello", "POST /2015-03-31/functions",
                       "GET /2015-03-31/functions/hello", "PUT /2015-03-31/functions/hello/code",
                       "PUT /2015-03-31/functions/hello/configuration"}));
  json::object create = json::parse(seen[1].body).as_object();
  EXPECT_EQ(create["Handler"], "app.handler");
  EXPECT_EQ(create["Environment"].at("Variables"), (json::object{{"A", "1"}, {"B", "two"}}));
  std::optional<std::string> zip = Base64Decode(create["Code"].at("ZipFile").as_string());
  ASSERT_TRUE(zip.has_value());
  EXPECT_EQ(ZipNames(*zip), (std::set<std::string>{"app.py", "pkg/", "pkg/util.py"}));
  EXPECT_EQ(seen[1].headers["content-type"], "application/json");
  // The update left the environment alone because --env was not given.
  EXPECT_FALSE(json::parse(seen[4].body).as_object().contains("Environment"));
}

TEST(CliFakeServerTest, InvokeSuccessAndFunctionError) {
  FakeHttpServer server([](const SeenRequest& r) -> ScriptedReply {
    if (r.target == "/2015-03-31/functions/bad/invocations") {
      return {200, {{"X-Amz-Function-Error", "Unhandled"}},
              R"({"errorMessage":"division by zero","errorType":"ZeroDivisionError","stackTrace":[]})"};
    }
    return {200, {{"X-Amz-Log-Result", Base64Encode("START RequestId: 1\nhi\n")}}, r.body};
  });
  CliOutput good = RunCli({"invoke", "echo", "--payload", "-", "--log"}, server.url(), "[1,2]");
  EXPECT_EQ(good.code, 0) << good.err;
  EXPECT_EQ(good.out, "[1,2]\n");
  EXPECT_EQ(good.err, "START RequestId: 1\nhi\n");
  EXPECT_EQ(server.requests().at(0).headers["x-amz-log-type"], "Tail");

  CliOutput bad = RunCli({"invoke", "bad"}, server.url());
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.out, R"({"errorMessage":"division by zero","errorType":"ZeroDivisionError","stackTrace":[]})" "\n");
  EXPECT_EQ(bad.err, "kumo: bad failed: ZeroDivisionError: division by zero\n");
  EXPECT_EQ(server.requests().at(1).body, "{}");
}

TEST(CliFakeServerTest, UnreachableServerIsOneLine) {
  // Take a port the kernel says is free, then free it again so nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t size = sizeof(address);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  ::close(fd);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  CliOutput result = RunCli({"ls"}, url);
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.err, "kumo: cannot reach kumo at " + url + ": Connection refused\n");
}

TEST(CliFakeServerTest, UsageErrorsAreOneLine) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"deploy"}, {"frobnicate"}, {"invoke"}, {"--endpoint", "x", "ls"},
        {"deploy", "/tmp", "--name", "f", "--runtime", "provided", "--env", "novalue"}}) {
    CliOutput result = RunCli(args, "http://127.0.0.1:1");
    EXPECT_EQ(result.code, 1) << args[0];
    EXPECT_EQ(result.err.rfind("kumo: ", 0), 0u) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

TEST(CliFakeServerTest, HelpListsEveryCommandIncludingServe) {
  CliOutput result = RunCli({"--help"}, "http://127.0.0.1:1");
  EXPECT_EQ(result.code, 0);
  for (const char* command : {"serve", "deploy", "invoke", "ls", "rm", "logs"}) {
    EXPECT_NE(result.out.find(command), std::string::npos) << command;
  }
}

TEST(CliFakeServerTest, LogsFollowEndsCleanlyOnSigint) {
  FakeHttpServer server([](const SeenRequest& r) -> ScriptedReply {
    if (r.target.find("after=0&") != std::string::npos) {
      return {200, {}, R"({"events":[{"seq":1,"timestamp":0,"requestId":"r","message":"one"},
                                    {"seq":2,"timestamp":1000,"requestId":"r","message":"two"}],
                          "nextSeq":3})"};
    }
    // The client is now blocked in the long poll: interrupt it as a user's Ctrl-C would.
    ::kill(::getpid(), SIGINT);
    return {0, {}, "", true};
  });
  CliOutput result = RunCli({"logs", "hello", "--follow"}, server.url());
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "1970-01-01T00:00:00.000Z one\n1970-01-01T00:00:01.000Z two\n");
  EXPECT_EQ(result.err, "");
  std::vector<SeenRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].target, "/kumo/v1/functions/hello/logs?after=2&limit=1000&wait=20");
}

TEST(CliFakeServerTest, RmUnknownFunction) {
  std::set<std::string> existing;
  FakeHttpServer server([&](const SeenRequest& r) { return FunctionsApi(existing, r); });
  CliOutput result = RunCli({"rm", "ghost"}, server.url());
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.err, "kumo: function \"ghost\" not found\n");
}

}  // namespace
}  // namespace kumo::cli
