#include "gateway/cors.h"

#include <gtest/gtest.h>

#include <map>

namespace kumo::gateway {
namespace {

std::map<std::string, std::string> AsMap(const CorsHeaders& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : headers) EXPECT_TRUE(out.emplace(name, value).second) << name;
  return out;
}

CorsConfig AppConfig() {
  CorsConfig c;
  c.allow_origins = {"https://a.example", "http://localhost:3000"};
  c.allow_methods = {"GET", "POST"};
  c.allow_headers = {"Content-Type", "x-api-key"};
  c.expose_headers = {"x-request-id"};
  c.max_age = 600;
  return c;
}

TEST(CorsTest, ValidateAcceptsDocumentedForms) {
  EXPECT_TRUE(ValidateCorsConfig(AppConfig()).ok());
  CorsConfig wild;
  wild.allow_origins = {"*", "https://*", "http://*"};
  wild.allow_methods = {"*"};
  wild.allow_headers = {"*"};
  wild.expose_headers = {"*"};
  EXPECT_TRUE(ValidateCorsConfig(wild).ok());
}

TEST(CorsTest, ValidateRejectsBadConfigs) {
  for (const char* origin : {"https://a.example/path", "null", "https://*.example.com",
                             "*.example.com", "a.example", "https://a.example, https://b"}) {
    CorsConfig c = AppConfig();
    c.allow_origins = {origin};
    EXPECT_FALSE(ValidateCorsConfig(c).ok()) << origin;
  }
  CorsConfig creds = AppConfig();
  creds.allow_credentials = true;
  EXPECT_TRUE(ValidateCorsConfig(creds).ok());
  creds.allow_origins.push_back("https://*");
  EXPECT_FALSE(ValidateCorsConfig(creds).ok());
  CorsConfig method = AppConfig();
  method.allow_methods = {"GET POST"};
  EXPECT_FALSE(ValidateCorsConfig(method).ok());
  CorsConfig header = AppConfig();
  header.allow_headers = {"x:y"};
  EXPECT_FALSE(ValidateCorsConfig(header).ok());
  CorsConfig age = AppConfig();
  age.max_age = -1;
  EXPECT_FALSE(ValidateCorsConfig(age).ok());
}

TEST(CorsTest, IsPreflight) {
  EXPECT_TRUE(IsPreflight("OPTIONS", "https://a.example", "POST"));
  EXPECT_FALSE(IsPreflight("OPTIONS", "https://a.example", ""));
  EXPECT_FALSE(IsPreflight("OPTIONS", "", "POST"));
  EXPECT_FALSE(IsPreflight("POST", "https://a.example", "POST"));
}

TEST(CorsTest, PreflightForAllowedOrigin) {
  auto h =
      AsMap(PreflightHeaders(AppConfig(), "https://a.example", "POST", "content-type, X-API-Key"));
  EXPECT_EQ(h["Access-Control-Allow-Origin"], "https://a.example");
  EXPECT_EQ(h["Access-Control-Allow-Methods"], "GET, POST");
  EXPECT_EQ(h["Access-Control-Allow-Headers"], "Content-Type, x-api-key");
  EXPECT_EQ(h["Access-Control-Max-Age"], "600");
  EXPECT_EQ(h["Vary"], "Origin");
  EXPECT_EQ(h.count("Access-Control-Allow-Credentials"), 0u);
}

TEST(CorsTest, PreflightRefusalsAreEmpty) {
  CorsConfig c = AppConfig();
  EXPECT_TRUE(PreflightHeaders(c, "https://evil.example", "POST", "").empty());
  EXPECT_TRUE(PreflightHeaders(c, "https://a.example.evil", "POST", "").empty());
  EXPECT_TRUE(PreflightHeaders(c, "http://a.example", "POST", "").empty());
  EXPECT_TRUE(PreflightHeaders(c, "https://a.example", "DELETE", "").empty());
  EXPECT_TRUE(PreflightHeaders(c, "https://a.example", "POST", "content-type, x-secret").empty());
  EXPECT_TRUE(PreflightHeaders(c, "", "POST", "").empty());
  EXPECT_FALSE(PreflightHeaders(c, "HTTPS://A.EXAMPLE", "post", " , content-type").empty());
}

TEST(CorsTest, PreflightWildcards) {
  CorsConfig c;
  c.allow_origins = {"*"};
  c.allow_methods = {"*"};
  c.allow_headers = {"*"};
  auto h = AsMap(PreflightHeaders(c, "https://any.example", "PATCH", "X-One,x-two"));
  EXPECT_EQ(h["Access-Control-Allow-Origin"], "*");
  EXPECT_EQ(h["Access-Control-Allow-Methods"], "PATCH");
  EXPECT_EQ(h["Access-Control-Allow-Headers"], "x-one, x-two");
  EXPECT_EQ(h.count("Vary"), 0u);
  EXPECT_EQ(h.count("Access-Control-Max-Age"), 0u);
  auto no_headers = AsMap(PreflightHeaders(c, "https://any.example", "GET", ""));
  EXPECT_EQ(no_headers.count("Access-Control-Allow-Headers"), 0u);
}

TEST(CorsTest, SchemeWildcardMatchesOnlyThatScheme) {
  CorsConfig c = AppConfig();
  c.allow_origins = {"https://*"};
  auto h = AsMap(PreflightHeaders(c, "https://x.example", "GET", ""));
  EXPECT_EQ(h["Access-Control-Allow-Origin"], "https://x.example");
  EXPECT_TRUE(PreflightHeaders(c, "http://x.example", "GET", "").empty());
  EXPECT_TRUE(PreflightHeaders(c, "https://", "GET", "").empty());
}

TEST(CorsTest, CredentialsEchoOriginAndMethod) {
  CorsConfig c = AppConfig();
  c.allow_credentials = true;
  c.allow_methods = {"*"};
  auto h = AsMap(PreflightHeaders(c, "http://localhost:3000", "PUT", ""));
  EXPECT_EQ(h["Access-Control-Allow-Origin"], "http://localhost:3000");
  EXPECT_EQ(h["Access-Control-Allow-Credentials"], "true");
  EXPECT_EQ(h["Access-Control-Allow-Methods"], "PUT");
}

TEST(CorsTest, ResponseHeaders) {
  CorsConfig c = AppConfig();
  c.allow_credentials = true;
  auto h = AsMap(ResponseHeaders(c, "https://a.example"));
  EXPECT_EQ(h["Access-Control-Allow-Origin"], "https://a.example");
  EXPECT_EQ(h["Access-Control-Allow-Credentials"], "true");
  EXPECT_EQ(h["Access-Control-Expose-Headers"], "x-request-id");
  EXPECT_EQ(h["Vary"], "Origin");
  auto other = AsMap(ResponseHeaders(c, "https://evil.example"));
  EXPECT_EQ(other.size(), 1u);
  EXPECT_EQ(other["Vary"], "Origin");
  EXPECT_EQ(AsMap(ResponseHeaders(c, "")).size(), 1u);
  EXPECT_TRUE(ResponseHeaders(CorsConfig{}, "https://a.example").empty());
  CorsConfig any;
  any.allow_origins = {"*"};
  EXPECT_EQ(AsMap(ResponseHeaders(any, "https://b.example"))["Access-Control-Allow-Origin"], "*");
}

}  // namespace
}  // namespace kumo::gateway
