#include "api/instance_credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace kumo::api {
namespace {

net::HttpRequest SignedBy(const std::string& key, const std::string& token) {
  net::HttpRequest req;
  req.method = "POST";
  req.headers.emplace_back("Authorization",
                           "AWS4-HMAC-SHA256 Credential=" + key +
                               "/20261126/us-east-1/sqs/aws4_request, SignedHeaders=host, "
                               "Signature=abc");
  if (!token.empty()) req.headers.emplace_back("X-Amz-Security-Token", token);
  return req;
}

TEST(InstanceCredentialsTest, EachFunctionGetsItsOwnStableKeys) {
  CredentialIssuer issuer(std::string(32, 'k'));
  InstanceCredentials a = issuer.For("a"), b = issuer.For("b");
  EXPECT_NE(a.access_key_id, b.access_key_id);
  EXPECT_NE(a.secret_access_key, b.secret_access_key);
  EXPECT_NE(a.session_token, b.session_token);
  EXPECT_EQ(a.access_key_id, CredentialIssuer(std::string(32, 'k')).For("a").access_key_id);
  EXPECT_NE(a.access_key_id, CredentialIssuer(std::string(32, 'x')).For("a").access_key_id);
  EXPECT_EQ(a.access_key_id.size(), 20u);
  EXPECT_EQ(a.secret_access_key.size(), 40u);
}

TEST(InstanceCredentialsTest, AcceptsOwnOrNoCredentialsAndRefusesAnothers) {
  CredentialIssuer issuer(std::string(32, 'k'));
  InstanceCredentials a = issuer.For("a"), b = issuer.For("b");
  EXPECT_TRUE(issuer.Check("a", net::HttpRequest{}).ok());
  EXPECT_TRUE(issuer.Check("a", SignedBy(a.access_key_id, a.session_token)).ok());
  EXPECT_FALSE(issuer.Check("a", SignedBy(b.access_key_id, b.session_token)).ok());
  // Own key with another's token, and the reverse.
  EXPECT_FALSE(issuer.Check("a", SignedBy(a.access_key_id, b.session_token)).ok());
  EXPECT_FALSE(issuer.Check("a", SignedBy(b.access_key_id, a.session_token)).ok());
  net::HttpRequest presigned;
  presigned.query = "X-Amz-Credential=" + b.access_key_id + "%2F20261126%2Fus-east-1%2Fsqs";
  EXPECT_EQ(RequestAccessKeyId(presigned), b.access_key_id);
  EXPECT_FALSE(issuer.Check("a", presigned).ok());
}

TEST(InstanceCredentialsTest, SecretIsCreatedOnceAndKept) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("kumo-cred-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "secret").string();
  auto first = CredentialIssuer::LoadOrCreateSecret(path);
  ASSERT_TRUE(first.ok());
  auto second = CredentialIssuer::LoadOrCreateSecret(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kumo::api
