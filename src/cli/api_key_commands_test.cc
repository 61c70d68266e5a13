// The API key commands against a scripted Transport: the requests they send and what they print.

#include "cli/api_key_commands.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "cli/scripted_transport_test_util.h"

#include <deque>
#include <sstream>

namespace kumo::cli {
namespace {

namespace json = boost::json;

class ApiKeyCommandsTest : public ::testing::Test {
 protected:
  Io io() { return Io{in_, out_, err_}; }

  std::istringstream in_;
  std::ostringstream out_, err_;
  ScriptedTransport transport_;
};

TEST(ApiKeyRequestsTest, PathsAndBodies) {
  HttpRequest create = CreateApiKeyRequest("ci \"bot\"");
  EXPECT_EQ(create.method, "POST");
  EXPECT_EQ(create.target, "/kumo/v1/api-keys");
  ASSERT_EQ(create.headers.size(), 1u);
  EXPECT_EQ(create.headers[0].first, "Content-Type");
  EXPECT_EQ(create.headers[0].second, "application/json");
  EXPECT_EQ(json::parse(create.body), json::parse(R"({"Name":"ci \"bot\""})"));
  HttpRequest list = ListApiKeysRequest();
  EXPECT_EQ(list.method, "GET");
  EXPECT_EQ(list.target, "/kumo/v1/api-keys");
  EXPECT_EQ(list.body, "");
  HttpRequest remove = DeleteApiKeyRequest("k/1 2");
  EXPECT_EQ(remove.method, "DELETE");
  EXPECT_EQ(remove.target, "/kumo/v1/api-keys/k%2F1%202");
}

TEST_F(ApiKeyCommandsTest, CreatePrintsIdAndValueOnce) {
  transport_.Add(201, R"({"Id":"ak1","Name":"ci","Value":"kumo_secret123","Prefix":"kumo_sec",
                          "CreatedDate":"2025-01-01T00:00:00.000Z"})");
  EXPECT_EQ(CreateApiKey(transport_, "ci", io()), 0) << err_.str();
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(json::parse(transport_.sent[0].body), json::parse(R"({"Name":"ci"})"));
  EXPECT_EQ(out_.str(),
            "created API key ak1 (ci)\n"
            "value: kumo_secret123\n"
            "the value is shown only once: store it now\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(ApiKeyCommandsTest, CreateRefusesAReplyWithoutValue) {
  transport_.Add(201, R"({"Id":"ak1","Name":"ci"})");
  EXPECT_EQ(CreateApiKey(transport_, "ci", io()), 1);
  EXPECT_EQ(err_.str(), "kumo: the server's reply has no key Id or Value\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(ApiKeyCommandsTest, CreateServerRefusalIsOneLine) {
  transport_.Add(400, R"({"Type":"User","Message":"Name must be\na string"})",
                 {{"X-Amzn-ErrorType", "InvalidParameterValueException"}});
  EXPECT_EQ(CreateApiKey(transport_, "ci", io()), 1);
  EXPECT_EQ(err_.str(), "kumo: Name must be a string (InvalidParameterValueException)\n");
}

TEST_F(ApiKeyCommandsTest, ListShowsATableWithoutValues) {
  transport_.Add(200, R"({"Items":[
      {"Id":"ak1","Name":"ci","Prefix":"kumo_abc","CreatedDate":"2025-01-01T00:00:00.000Z"},
      {"Id":"ak22","Name":"deploy-bot","Prefix":"kumo_def",
       "CreatedDate":"2025-02-01T00:00:00.000Z","Value":"must-not-show"}]})");
  EXPECT_EQ(ListApiKeys(transport_, io()), 0) << err_.str();
  EXPECT_EQ(transport_.sent.at(0).method, "GET");
  EXPECT_EQ(out_.str(),
            "ID    NAME        PREFIX    CREATED\n"
            "ak1   ci          kumo_abc  2025-01-01T00:00:00.000Z\n"
            "ak22  deploy-bot  kumo_def  2025-02-01T00:00:00.000Z\n");
}

TEST_F(ApiKeyCommandsTest, ListOfNoKeysIsTheHeader) {
  transport_.Add(200, R"({"Items":[]})");
  EXPECT_EQ(ListApiKeys(transport_, io()), 0) << err_.str();
  EXPECT_EQ(out_.str(), "ID  NAME  PREFIX  CREATED\n");
}

TEST_F(ApiKeyCommandsTest, ListOfABadReplyFails) {
  transport_.Add(200, "not json");
  EXPECT_EQ(ListApiKeys(transport_, io()), 1);
  EXPECT_EQ(err_.str(), "kumo: the server sent a reply that is not a JSON object\n");
}

TEST_F(ApiKeyCommandsTest, RemoveRevokesAndAnUnknownKeyIsOneLine) {
  transport_.Add(204, "");
  EXPECT_EQ(RevokeApiKey(transport_, "ak1", io()), 0) << err_.str();
  EXPECT_EQ(transport_.sent.at(0).method, "DELETE");
  EXPECT_EQ(transport_.sent.at(0).target, "/kumo/v1/api-keys/ak1");
  EXPECT_EQ(out_.str(), "revoked ak1\n");
  transport_.Add(404, R"({"Type":"User","Message":"API key ak1 not found"})",
                 {{"X-Amzn-ErrorType", "ResourceNotFoundException"}});
  EXPECT_EQ(RevokeApiKey(transport_, "ak1", io()), 1);
  EXPECT_EQ(err_.str(), "kumo: API key ak1 not found (ResourceNotFoundException)\n");
  EXPECT_EQ(out_.str(), "revoked ak1\n");
}

TEST_F(ApiKeyCommandsTest, EmptyArgumentsSendNothing) {
  EXPECT_EQ(RevokeApiKey(transport_, "", io()), 1);
  EXPECT_EQ(CreateApiKey(transport_, "", io()), 1);
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(ApiKeyCommandsTest, UnreachableServerIsOneLine) {
  // The script is empty, so Send fails as a refused connection would.
  EXPECT_EQ(ListApiKeys(transport_, io()), 1);
  EXPECT_EQ(err_.str(), "kumo: script ran out\n");
}

}  // namespace
}  // namespace kumo::cli
