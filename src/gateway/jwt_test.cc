#include "gateway/jwt.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

namespace kumo::gateway {
namespace {

constexpr int64_t kNow = 1'700'000'000;
const std::string kSecret = "0123456789abcdef0123456789abcdef-test";
const std::string kIssuer = "https://issuer.example";

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string HmacSha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                      reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
                      sizeof(out), &len),
            nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string RsaSign(EVP_PKEY* key, const std::string& data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()),
            1);
  std::string sig(len, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(data.data()), data.size()),
            1);
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

std::string BnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
  std::string out(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

std::string Jwk(EVP_PKEY* key, const std::string& kid) {
  return R"({"kty":"RSA","use":"sig","alg":"RS256","kid":")" + kid + R"(","n":")" +
         Base64UrlEncode(BnParam(key, OSSL_PKEY_PARAM_RSA_N)) + R"(","e":")" +
         Base64UrlEncode(BnParam(key, OSSL_PKEY_PARAM_RSA_E)) + R"("})";
}

std::string SigningInput(const std::string& header, const std::string& payload) {
  return Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
}

std::string Hs256Token(const std::string& payload, const std::string& key = kSecret) {
  std::string input = SigningInput(R"({"alg":"HS256","typ":"JWT"})", payload);
  return input + "." + Base64UrlEncode(HmacSha256(key, input));
}

std::string Rs256Token(EVP_PKEY* key, const std::string& payload, const std::string& kid) {
  std::string header =
      kid.empty() ? R"({"alg":"RS256"})" : R"({"alg":"RS256","kid":")" + kid + R"("})";
  std::string input = SigningInput(header, payload);
  return input + "." + Base64UrlEncode(RsaSign(key, input));
}

std::string Claims(const std::string& extra = "", int64_t exp = kNow + 3600,
                   const std::string& aud = R"("my-api")") {
  return R"({"iss":")" + kIssuer + R"(","aud":)" + aud + R"(,"sub":"user-1","exp":)" +
         std::to_string(exp) + extra + "}";
}

JwtAuthorizerConfig HsConfig() { return {kIssuer, {"other", "my-api"}, kSecret, ""}; }

// Replaces one character of the token's signature segment with another base64url character.
std::string FlipSignatureChar(std::string token) {
  size_t i = token.rfind('.') + 5;
  token[i] = token[i] == 'A' ? 'B' : 'A';
  return token;
}

std::string ErrorOf(const Result<JwtClaims>& r) { return r.ok() ? "OK" : r.error().message; }

class JwtRsaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
    other_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
    ASSERT_NE(key_, nullptr);
    ASSERT_NE(other_, nullptr);
  }
  static void TearDownTestSuite() {
    EVP_PKEY_free(key_);
    EVP_PKEY_free(other_);
  }
  static JwtAuthorizerConfig Config(const std::string& keys_json) {
    return {kIssuer, {"my-api"}, "", R"({"keys":[)" + keys_json + "]}"};
  }
  static EVP_PKEY* key_;
  static EVP_PKEY* other_;
};
EVP_PKEY* JwtRsaTest::key_ = nullptr;
EVP_PKEY* JwtRsaTest::other_ = nullptr;

TEST(JwtTest, Hs256ValidTokenYieldsClaims) {
  std::string extra =
      R"(,"n":42,"f":1.5,"ok":true,"groups":["a","b"],"obj":{"x":1},"scope":"read write")";
  auto claims = VerifyJwt(Hs256Token(Claims(extra)), HsConfig(), kNow);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->flat.at("sub"), "user-1");
  EXPECT_EQ(claims->flat.at("iss"), kIssuer);
  EXPECT_EQ(claims->flat.at("n"), "42");
  EXPECT_EQ(claims->flat.at("f"), "1.5");
  EXPECT_EQ(claims->flat.at("ok"), "true");
  EXPECT_EQ(claims->flat.at("groups"), "[a b]");
  EXPECT_EQ(claims->flat.count("obj"), 0u);
  EXPECT_EQ(claims->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_NE(claims->json.find(R"("obj":{"x":1})"), std::string::npos) << claims->json;
}

TEST(JwtTest, Hs256BadSignature) {
  std::string token = Hs256Token(Claims());
  EXPECT_EQ(ErrorOf(VerifyJwt(FlipSignatureChar(token), HsConfig(), kNow)), "bad signature");
  std::string other_key = Hs256Token(Claims(), kSecret + "x");
  EXPECT_EQ(ErrorOf(VerifyJwt(other_key, HsConfig(), kNow)), "bad signature");
  // A changed payload under the original signature.
  std::string forged = SigningInput(R"({"alg":"HS256","typ":"JWT"})", Claims(R"(,"admin":true)")) +
                       token.substr(token.rfind('.'));
  EXPECT_EQ(ErrorOf(VerifyJwt(forged, HsConfig(), kNow)), "bad signature");
}

TEST(JwtTest, ExpiryIsStrictAndNotBeforeHasSkew) {
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(Claims("", kNow - 3600)), HsConfig(), kNow)),
            "token expired");
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(Claims("", kNow)), HsConfig(), kNow)), "token expired");
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(Claims("", kNow + 1)), HsConfig(), kNow)), "OK");
  std::string no_exp = R"({"iss":")" + kIssuer + R"(","aud":"my-api"})";
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(no_exp), HsConfig(), kNow)), "missing exp claim");
  std::string soon = R"(,"nbf":)" + std::to_string(kNow + kJwtClockSkewS);
  std::string later = R"(,"nbf":)" + std::to_string(kNow + kJwtClockSkewS + 1);
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(Claims(soon)), HsConfig(), kNow)), "OK");
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(Claims(later)), HsConfig(), kNow)), "token not yet valid");
  std::string iat_later = R"(,"iat":)" + std::to_string(kNow + 600);
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(Claims(iat_later)), HsConfig(), kNow)),
            "token not yet valid");
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(Claims(R"(,"nbf":"now")")), HsConfig(), kNow)),
            "malformed token");
}

TEST(JwtTest, AudienceAndIssuer) {
  EXPECT_EQ(
      ErrorOf(VerifyJwt(Hs256Token(Claims("", kNow + 60, R"("their-api")")), HsConfig(), kNow)),
      "wrong audience");
  EXPECT_EQ(
      ErrorOf(VerifyJwt(Hs256Token(Claims("", kNow + 60, R"(["x","my-api"])")), HsConfig(), kNow)),
      "OK");
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(Claims("", kNow + 60, R"(["x","y"])")), HsConfig(), kNow)),
            "wrong audience");
  std::string client_id = R"({"iss":")" + kIssuer + R"(","client_id":"my-api","exp":)" +
                          std::to_string(kNow + 60) + "}";
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(client_id), HsConfig(), kNow)), "OK");
  std::string wrong_iss =
      R"({"iss":"https://evil.example","aud":"my-api","exp":)" + std::to_string(kNow + 60) + "}";
  EXPECT_EQ(ErrorOf(VerifyJwt(Hs256Token(wrong_iss), HsConfig(), kNow)), "wrong issuer");
}

TEST(JwtTest, RejectsAlgNoneAndUnknownAlgorithms) {
  std::string input = SigningInput(R"({"alg":"none"})", Claims());
  EXPECT_EQ(ErrorOf(VerifyJwt(input + ".", HsConfig(), kNow)), "malformed token");
  EXPECT_EQ(ErrorOf(VerifyJwt(input + "." + Base64UrlEncode("x"), HsConfig(), kNow)),
            "unsupported algorithm");
  std::string hs512 = SigningInput(R"({"alg":"HS512"})", Claims());
  EXPECT_EQ(ErrorOf(VerifyJwt(hs512 + "." + Base64UrlEncode(HmacSha256(kSecret, hs512)), HsConfig(),
                              kNow)),
            "unsupported algorithm");
  std::string crit = SigningInput(R"({"alg":"HS256","crit":["exp"]})", Claims());
  EXPECT_EQ(
      ErrorOf(VerifyJwt(crit + "." + Base64UrlEncode(HmacSha256(kSecret, crit)), HsConfig(), kNow)),
      "unsupported crit header");
}

TEST(JwtTest, RejectsGarbage) {
  std::string good = Hs256Token(Claims());
  for (const std::string& bad :
       {std::string(), std::string("garbage"), std::string("a.b"), std::string("a.b.c"),
        good + ".x", std::string("!!.??.**"), Base64UrlEncode("not json") + ".e30." + "AAAA",
        "e30" + good.substr(good.find('.')), std::string(kMaxJwtBytes + 1, 'a')}) {
    EXPECT_EQ(ErrorOf(VerifyJwt(bad, HsConfig(), kNow)), "malformed token") << bad.substr(0, 80);
  }
  // Valid signature over a payload that is not a JSON object.
  std::string input = SigningInput(R"({"alg":"HS256"})", "[1,2]");
  EXPECT_EQ(ErrorOf(VerifyJwt(input + "." + Base64UrlEncode(HmacSha256(kSecret, input)), HsConfig(),
                              kNow)),
            "malformed token");
}

TEST(JwtTest, ConfigValidation) {
  auto bad = [](JwtAuthorizerConfig c) { return !JwtAuthorizer::Create(c).ok(); };
  EXPECT_TRUE(bad({kIssuer, {"my-api"}, "short", ""}));
  EXPECT_TRUE(bad({"", {"my-api"}, kSecret, ""}));
  EXPECT_TRUE(bad({kIssuer, {}, kSecret, ""}));
  EXPECT_TRUE(bad({kIssuer, {"my-api"}, "", ""}));
  EXPECT_TRUE(bad({kIssuer, {"my-api"}, "", "{not json"}));
  EXPECT_TRUE(bad({kIssuer, {"my-api"}, "", R"({"keys":[{"kty":"RSA","n":"AQAB"}]})"}));
  EXPECT_TRUE(bad({kIssuer, {"my-api"}, "", R"({"keys":[{"kty":"EC","crv":"P-256"}]})"}));
  EXPECT_FALSE(bad(HsConfig()));
}

TEST_F(JwtRsaTest, Rs256ValidWithKidAndWithSingleKey) {
  auto config = Config(Jwk(other_, "k0") + "," + Jwk(key_, "k1"));
  auto claims = VerifyJwt(Rs256Token(key_, Claims(), "k1"), config, kNow);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->flat.at("sub"), "user-1");
  EXPECT_EQ(ErrorOf(VerifyJwt(Rs256Token(key_, Claims(), "k9"), config, kNow)), "unknown key");
  EXPECT_EQ(ErrorOf(VerifyJwt(Rs256Token(key_, Claims(), ""), config, kNow)), "unknown key");
  EXPECT_EQ(ErrorOf(VerifyJwt(Rs256Token(key_, Claims(), ""), Config(Jwk(key_, "k1")), kNow)),
            "OK");
}

TEST_F(JwtRsaTest, Rs256BadSignatureExpiredAndAudience) {
  auto config = Config(Jwk(key_, "k1"));
  std::string token = Rs256Token(key_, Claims(), "k1");
  EXPECT_EQ(ErrorOf(VerifyJwt(FlipSignatureChar(token), config, kNow)), "bad signature");
  EXPECT_EQ(ErrorOf(VerifyJwt(Rs256Token(other_, Claims(), "k1"), config, kNow)), "bad signature");
  EXPECT_EQ(ErrorOf(VerifyJwt(Rs256Token(key_, Claims("", kNow - 1), "k1"), config, kNow)),
            "token expired");
  EXPECT_EQ(
      ErrorOf(VerifyJwt(Rs256Token(key_, Claims("", kNow + 9, R"("x")"), "k1"), config, kNow)),
      "wrong audience");
}

TEST_F(JwtRsaTest, NoAlgorithmConfusion) {
  // An HS256 token "signed" with the public modulus must not pass an RS256-only authorizer.
  std::string n = BnParam(key_, OSSL_PKEY_PARAM_RSA_N);
  std::string input = SigningInput(R"({"alg":"HS256","kid":"k1"})", Claims());
  std::string token = input + "." + Base64UrlEncode(HmacSha256(n, input));
  EXPECT_EQ(ErrorOf(VerifyJwt(token, Config(Jwk(key_, "k1")), kNow)), "unsupported algorithm");
  EXPECT_EQ(ErrorOf(VerifyJwt(Rs256Token(key_, Claims(), "k1"), HsConfig(), kNow)),
            "unsupported algorithm");
}

TEST_F(JwtRsaTest, RejectsShortRsaKeys) {
  Pkey small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}));
  ASSERT_NE(small, nullptr);
  EXPECT_FALSE(JwtAuthorizer::Create(Config(Jwk(small.get(), "s"))).ok());
}

TEST(JwtTest, BearerToken) {
  EXPECT_EQ(BearerToken("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(BearerToken("bearer   abc.def.ghi  "), "abc.def.ghi");
  EXPECT_EQ(BearerToken("abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(BearerToken("Basic dXNlcjpwYXNz"), "");
  EXPECT_EQ(BearerToken("Bearer"), "Bearer");  // a bare value, which then fails verification
  EXPECT_EQ(BearerToken("Bearer a b"), "");
  EXPECT_EQ(BearerToken(""), "");
}

TEST(JwtTest, Base64UrlIsStrict) {
  for (const std::string& s : {std::string(""), std::string("f"), std::string("fo"),
                               std::string("foo"), std::string("\xfb\xff\xbf", 3)}) {
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(s)), s);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_FALSE(Base64UrlDecode("Zm9v=").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm+v").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());  // non-zero trailing bits
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());
}

}  // namespace
}  // namespace kumo::gateway
