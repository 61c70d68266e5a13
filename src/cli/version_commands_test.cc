// The version, alias and concurrency commands against a scripted Transport: the requests they
// send and what they print.

#include "cli/version_commands.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "cli/scripted_transport_test_util.h"

#include <deque>
#include <sstream>

namespace kumo::cli {
namespace {

namespace json = boost::json;

const HeaderList kNotFound = {{"X-Amzn-ErrorType", "ResourceNotFoundException"}};

class VersionCommandsTest : public ::testing::Test {
 protected:
  Io io() { return Io{in_, out_, err_}; }
  json::value SentBody(size_t i) { return json::parse(transport_.sent.at(i).body); }

  std::istringstream in_;
  std::ostringstream out_, err_;
  ScriptedTransport transport_;
};

TEST(ParseWeightsTest, AcceptsSharesFromZeroToOne) {
  auto weights = ParseWeights({"2=0.1", "3=1"});
  ASSERT_TRUE(weights.ok());
  EXPECT_EQ(*weights, (std::map<std::string, double>{{"2", 0.1}, {"3", 1.0}}));
  for (const char* bad : {"2", "=0.1", "2=", "2=x", "2=1.5", "2=-0.1", "2=0.1x"}) {
    EXPECT_FALSE(ParseWeights({bad}).ok()) << bad;
  }
}

TEST(VersionRequestsTest, PathsAndBodies) {
  HttpRequest publish = PublishVersionRequest("my fn", std::nullopt);
  EXPECT_EQ(publish.method, "POST");
  EXPECT_EQ(publish.target, "/2015-03-31/functions/my%20fn/versions");
  EXPECT_EQ(publish.body, "{}");
  EXPECT_EQ(json::parse(PublishVersionRequest("f", std::string("d")).body).at("Description"),
            "d");
  EXPECT_EQ(ListVersionsRequest("f", "3", 50).target,
            "/2015-03-31/functions/f/versions?MaxItems=50&Marker=3");
  EXPECT_EQ(ListAliasesRequest("f", "", 50).target, "/2015-03-31/functions/f/aliases?MaxItems=50");
  EXPECT_EQ(DeleteAliasRequest("f", "live").method, "DELETE");
  EXPECT_EQ(DeleteAliasRequest("f", "live").target, "/2015-03-31/functions/f/aliases/live");
  HttpRequest put = PutConcurrencyRequest("f", 5);
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.target, "/2017-10-31/functions/f/concurrency");
  EXPECT_EQ(json::parse(put.body), json::parse(R"({"ReservedConcurrentExecutions":5})"));
  EXPECT_EQ(GetConcurrencyRequest("f").target, "/2019-09-30/functions/f/concurrency");
  EXPECT_EQ(DeleteConcurrencyRequest("f").method, "DELETE");
}

TEST_F(VersionCommandsTest, PublishPrintsTheVersion) {
  transport_.Add(201, R"({"FunctionName":"f","Version":"3","CodeSha256":"abc="})");
  EXPECT_EQ(Publish(transport_, "f", std::string("rel"), io()), 0) << err_.str();
  EXPECT_EQ(SentBody(0).at("Description"), "rel");
  EXPECT_EQ(out_.str(), "published f version 3 (code abc=)\n");
}

TEST_F(VersionCommandsTest, PublishOfUnknownFunction) {
  transport_.Add(404, R"({"Type":"User","Message":"Function not found"})", kNotFound);
  EXPECT_EQ(Publish(transport_, "ghost", std::nullopt, io()), 1);
  EXPECT_EQ(err_.str(), "kumo: function \"ghost\" not found\n");
}

TEST_F(VersionCommandsTest, VersionsFollowsMarkers) {
  transport_.Add(200, R"({"Versions":[{"Version":"$LATEST","CodeSha256":"B="},
                                      {"Version":"1","CodeSha256":"A=","Description":"one"}],
                          "NextMarker":"1"})");
  transport_.Add(200, R"({"Versions":[{"Version":"2","CodeSha256":"B=",
                                       "LastModified":"2025-01-01T00:00:00.000+0000"}]})");
  EXPECT_EQ(ListVersions(transport_, "f", io()), 0) << err_.str();
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[1].target, "/2015-03-31/functions/f/versions?MaxItems=50&Marker=1");
  EXPECT_EQ(out_.str(),
            "VERSION  CODE_SHA256  LAST_MODIFIED                 DESCRIPTION\n"
            "$LATEST  B=                                         \n"
            "1        A=                                         one\n"
            "2        B=           2025-01-01T00:00:00.000+0000  \n");
}

TEST_F(VersionCommandsTest, AliasIsCreatedWhenAbsent) {
  transport_.Add(404, R"({"Type":"User","Message":"Cannot find alias"})", kNotFound);
  transport_.Add(201, R"({"Name":"live","FunctionVersion":"1",
                          "RoutingConfig":{"AdditionalVersionWeights":{"2":0.25}}})");
  AliasSpec spec{"f", "live", "1", {{"2", 0.25}}, std::nullopt};
  EXPECT_EQ(SetAlias(transport_, spec, io()), 0) << err_.str();
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].target, "/2015-03-31/functions/f/aliases/live");
  EXPECT_EQ(transport_.sent[1].method, "POST");
  EXPECT_EQ(transport_.sent[1].target, "/2015-03-31/functions/f/aliases");
  EXPECT_EQ(SentBody(1), json::parse(R"({"Name":"live","FunctionVersion":"1",
      "RoutingConfig":{"AdditionalVersionWeights":{"2":0.25}}})"));
  EXPECT_EQ(out_.str(), "created alias f:live -> version 1 (routing 2=0.25)\n");
}

TEST_F(VersionCommandsTest, AliasIsUpdatedWhenPresentAndRoutingReplaced) {
  transport_.Add(200, R"({"Name":"live","FunctionVersion":"1"})");
  transport_.Add(200, R"({"Name":"live","FunctionVersion":"2"})");
  AliasSpec spec{"f", "live", "2", {}, std::string("now 2")};
  EXPECT_EQ(SetAlias(transport_, spec, io()), 0) << err_.str();
  EXPECT_EQ(transport_.sent[1].method, "PUT");
  EXPECT_EQ(transport_.sent[1].target, "/2015-03-31/functions/f/aliases/live");
  EXPECT_EQ(SentBody(1), json::parse(R"({"FunctionVersion":"2","Description":"now 2",
      "RoutingConfig":{"AdditionalVersionWeights":{}}})"));
  EXPECT_EQ(out_.str(), "updated alias f:live -> version 2\n");
}

TEST_F(VersionCommandsTest, AliasServerRefusalIsOneLine) {
  transport_.Add(404, "{}", kNotFound);
  transport_.Add(400, R"({"Type":"User","Message":"weight out of range"})",
                 {{"X-Amzn-ErrorType", "InvalidParameterValueException"}});
  AliasSpec spec{"f", "live", "1", {{"2", 1.0}}, std::nullopt};
  EXPECT_EQ(SetAlias(transport_, spec, io()), 1);
  EXPECT_EQ(err_.str(), "kumo: weight out of range (InvalidParameterValueException)\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(VersionCommandsTest, AliasToMissingVersionShowsTheServersMessage) {
  transport_.Add(404, "{}", kNotFound);
  transport_.Add(404, R"({"Type":"User","Message":"Function not found: arn:x:f:9"})", kNotFound);
  EXPECT_EQ(SetAlias(transport_, AliasSpec{"f", "live", "9", {}, std::nullopt}, io()), 1);
  EXPECT_EQ(err_.str(), "kumo: Function not found: arn:x:f:9 (ResourceNotFoundException)\n");
}

TEST_F(VersionCommandsTest, RemoveAliasShowsTheServersMessage) {
  transport_.Add(204, "");
  EXPECT_EQ(RemoveAlias(transport_, "f", "live", io()), 0);
  EXPECT_EQ(out_.str(), "deleted alias f:live\n");
  transport_.Add(404, R"({"Type":"User","Message":"Cannot find alias arn: x:f:live"})",
                 kNotFound);
  EXPECT_EQ(RemoveAlias(transport_, "f", "live", io()), 1);
  EXPECT_EQ(err_.str(), "kumo: Cannot find alias arn: x:f:live (ResourceNotFoundException)\n");
}

TEST_F(VersionCommandsTest, AliasesListsRouting) {
  transport_.Add(200, R"({"Aliases":[
      {"Name":"canary","FunctionVersion":"1","Description":"",
       "RoutingConfig":{"AdditionalVersionWeights":{"2":0.1}}},
      {"Name":"live","FunctionVersion":"2","Description":"prod"}]})");
  EXPECT_EQ(ListAliases(transport_, "f", io()), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "NAME    VERSION  ROUTING  DESCRIPTION\n"
            "canary  1        2=0.1    \n"
            "live    2        -        prod\n");
}

TEST_F(VersionCommandsTest, ConcurrencySetShowClear) {
  transport_.Add(200, R"({"ReservedConcurrentExecutions":4})");
  EXPECT_EQ(Concurrency(transport_, {"f", 4, false}, io()), 0);
  EXPECT_EQ(transport_.sent[0].method, "PUT");
  transport_.Add(200, R"({"ReservedConcurrentExecutions":0})");
  EXPECT_EQ(Concurrency(transport_, {"f", std::nullopt, false}, io()), 0);
  EXPECT_EQ(transport_.sent[1].method, "GET");
  transport_.Add(200, "{}");
  EXPECT_EQ(Concurrency(transport_, {"f", std::nullopt, false}, io()), 0);
  transport_.Add(204, "");
  EXPECT_EQ(Concurrency(transport_, {"f", std::nullopt, true}, io()), 0);
  EXPECT_EQ(transport_.sent[3].method, "DELETE");
  EXPECT_EQ(out_.str(),
            "f: reserved concurrency 4\n"
            "f: reserved concurrency 0 (throttled: every call is refused)\n"
            "f: no reserved concurrency\n"
            "f: reserved concurrency removed\n");
  EXPECT_EQ(Concurrency(transport_, {"f", 1, true}, io()), 1);
  EXPECT_EQ(Concurrency(transport_, {"f", -1, false}, io()), 1);
  EXPECT_EQ(transport_.sent.size(), 4u);
}

}  // namespace
}  // namespace kumo::cli
