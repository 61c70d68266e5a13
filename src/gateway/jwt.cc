#include "gateway/jwt.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>

namespace kumo::gateway {

namespace json = boost::json;

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// RS256 keys: 2048 bits is the RFC 7518 minimum; the upper bound caps the cost of one verify.
constexpr size_t kMinRsaBytes = 256;
constexpr size_t kMaxRsaBytes = 1024;

Error Reject(const char* reason) { return MakeError(ErrorCode::kInvalidArgument, reason); }

struct RsaKey {
  std::string kid;
  PkeyPtr pkey;
};

}  // namespace

struct JwtKeys {
  std::string issuer;
  std::vector<std::string> audience;
  std::string hs256_secret;
  std::vector<RsaKey> rsa;
};

std::string Base64UrlEncode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : data) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;  // no whole byte fits in 6 bits
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-') {
      v = 62;
    } else if (c == '_') {
      v = 63;
    } else {
      return std::nullopt;
    }
    acc = ((acc << 6) | static_cast<uint32_t>(v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, so each byte string has exactly one encoding.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string BearerToken(std::string_view header) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  header = trim(header);
  size_t space = header.find_first_of(" \t");
  if (space == std::string_view::npos) return std::string(header);
  std::string_view scheme = header.substr(0, space);
  constexpr std::string_view kBearer = "bearer";
  bool is_bearer =
      std::equal(scheme.begin(), scheme.end(), kBearer.begin(), kBearer.end(),
                 [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  if (!is_bearer) return "";
  std::string_view token = trim(header.substr(space));
  // A token never contains spaces; "Bearer a b" is not something to guess about.
  if (token.find_first_of(" \t") != std::string_view::npos) return "";
  return std::string(token);
}

namespace {

std::optional<json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

const json::string* StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? v->if_string() : nullptr;
}

// Builds an RSA public key from the big-endian modulus and exponent of a JWK.
Result<PkeyPtr> RsaFromComponents(const std::string& n, const std::string& e) {
  size_t n_len = n.size() - std::min(n.size(), n.find_first_not_of('\0'));
  if (n_len < kMinRsaBytes || n_len > kMaxRsaBytes) return Reject("RSA key size not supported");
  if (e.empty() || e.size() > 8) return Reject("bad RSA exponent");
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), n.size(), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), e.size(), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* pkey = nullptr;
  bool ok = bn_n != nullptr && bn_e != nullptr && bld != nullptr && ctx != nullptr &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 &&
            (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr &&
            EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_e);
  BN_free(bn_n);
  if (!ok) {
    EVP_PKEY_free(pkey);
    return Reject("bad RSA key");
  }
  return PkeyPtr(pkey);
}

// Keeps the RSA signing keys of a JWKS; other key types (EC, oct) and encryption keys are skipped
// because this authorizer only verifies RS256.
Result<std::vector<RsaKey>> ParseJwks(std::string_view text) {
  std::optional<json::object> doc = ParseObject(text);
  const json::value* keys = doc ? doc->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) return Reject("JWKS is not an object with \"keys\"");
  std::vector<RsaKey> out;
  for (const json::value& entry : keys->as_array()) {
    if (!entry.is_object()) return Reject("JWKS key is not an object");
    const json::object& jwk = entry.as_object();
    const json::string* kty = StringField(jwk, "kty");
    const json::string* use = StringField(jwk, "use");
    const json::string* alg = StringField(jwk, "alg");
    if (kty == nullptr || *kty != "RSA") continue;
    if ((use != nullptr && *use != "sig") || (alg != nullptr && *alg != "RS256")) continue;
    const json::string* n = StringField(jwk, "n");
    const json::string* e = StringField(jwk, "e");
    std::optional<std::string> n_raw = n ? Base64UrlDecode(*n) : std::nullopt;
    std::optional<std::string> e_raw = e ? Base64UrlDecode(*e) : std::nullopt;
    if (!n_raw || !e_raw) return Reject("JWKS RSA key without valid n and e");
    KUMO_ASSIGN_OR_RETURN(PkeyPtr pkey, RsaFromComponents(*n_raw, *e_raw));
    const json::string* kid = StringField(jwk, "kid");
    out.push_back(RsaKey{kid ? std::string(*kid) : std::string(), std::move(pkey)});
  }
  return out;
}

bool VerifyHs256(const std::string& secret, std::string_view input, std::string_view sig) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac;
  size_t mac_len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(),
                mac.size(), &mac_len) == nullptr) {
    return false;
  }
  return sig.size() == mac_len && mac_len == 32 && CRYPTO_memcmp(mac.data(), sig.data(), 32) == 0;
}

bool VerifyRs256(EVP_PKEY* pkey, std::string_view input, std::string_view sig) {
  if (sig.size() != static_cast<size_t>(EVP_PKEY_get_size(pkey))) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

Status VerifySignature(const JwtKeys& keys, const json::object& header, std::string_view input,
                       std::string_view sig) {
  // Extensions we do not implement must not be silently ignored (RFC 7515 section 4.1.11).
  if (header.contains("crit")) return Reject("unsupported crit header");
  const json::string* alg = StringField(header, "alg");
  if (alg == nullptr) return Reject("malformed token");
  // Keys come only from the config: "jwk", "jku" and "x5u" in the token header are ignored.
  if (*alg == "HS256" && !keys.hs256_secret.empty()) {
    if (!VerifyHs256(keys.hs256_secret, input, sig)) return Reject("bad signature");
    return Ok();
  }
  if (*alg != "RS256" || keys.rsa.empty()) return Reject("unsupported algorithm");
  const json::value* kid_value = header.if_contains("kid");
  const RsaKey* key = nullptr;
  if (kid_value != nullptr) {
    if (!kid_value->is_string()) return Reject("malformed token");
    for (const RsaKey& k : keys.rsa) {
      if (k.kid == kid_value->as_string()) key = &k;
    }
  } else if (keys.rsa.size() == 1) {
    key = &keys.rsa.front();
  }
  if (key == nullptr) return Reject("unknown key");
  if (!VerifyRs256(key->pkey.get(), input, sig)) return Reject("bad signature");
  return Ok();
}

std::optional<double> NumericDate(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return std::nullopt;
}

bool AudienceMatches(const json::object& claims, const std::vector<std::string>& accepted) {
  auto accepted_has = [&](const json::value& v) {
    return v.is_string() &&
           std::find(accepted.begin(), accepted.end(), v.as_string()) != accepted.end();
  };
  // Access tokens from some issuers (Cognito) carry client_id instead of aud; API Gateway
  // accepts either, so do we.
  const json::value* aud = claims.if_contains("aud");
  if (aud == nullptr) aud = claims.if_contains("client_id");
  if (aud == nullptr) return false;
  if (aud->is_array()) {
    return std::any_of(aud->as_array().begin(), aud->as_array().end(), accepted_has);
  }
  return accepted_has(*aud);
}

Status CheckClaims(const JwtKeys& keys, const json::object& claims, int64_t now_s) {
  const json::string* iss = StringField(claims, "iss");
  if (iss == nullptr || *iss != keys.issuer) return Reject("wrong issuer");
  if (!AudienceMatches(claims, keys.audience)) return Reject("wrong audience");
  const double now = static_cast<double>(now_s);
  const json::value* exp = claims.if_contains("exp");
  if (exp == nullptr) return Reject("missing exp claim");
  std::optional<double> exp_s = NumericDate(*exp);
  if (!exp_s) return Reject("malformed token");
  if (now >= *exp_s) return Reject("token expired");
  for (const char* name : {"nbf", "iat"}) {
    const json::value* v = claims.if_contains(name);
    if (v == nullptr) continue;
    std::optional<double> t = NumericDate(*v);
    if (!t) return Reject("malformed token");
    if (*t > now + kJwtClockSkewS) return Reject("token not yet valid");
  }
  return Ok();
}

std::string NumberText(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v.as_double());
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

std::optional<std::string> ScalarText(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_number()) return NumberText(v);
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return std::nullopt;
}

// API Gateway hands claims to the function as strings; arrays of scalars appear as "[a b]"
// (how Cognito groups reach functions). Objects and nulls are left out.
std::optional<std::string> FlattenClaim(const json::value& v) {
  if (!v.is_array()) return ScalarText(v);
  std::string out = "[";
  for (const json::value& item : v.as_array()) {
    std::optional<std::string> text = ScalarText(item);
    if (!text) return std::nullopt;
    if (out.size() > 1) out += ' ';
    out += *text;
  }
  return out + "]";
}

std::vector<std::string> SplitSpaces(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::vector<std::string> Scopes(const json::object& claims) {
  for (const char* name : {"scope", "scp"}) {
    const json::value* v = claims.if_contains(name);
    if (v == nullptr) continue;
    if (v->is_string()) return SplitSpaces(v->as_string());
    std::vector<std::string> out;
    if (v->is_array()) {
      for (const json::value& item : v->as_array()) {
        if (item.is_string()) out.emplace_back(item.as_string());
      }
    }
    return out;
  }
  return {};
}

JwtClaims MakeClaims(const json::object& claims) {
  JwtClaims out;
  out.json = json::serialize(claims);
  for (const auto& [key, value] : claims) {
    std::optional<std::string> text = FlattenClaim(value);
    if (text) out.flat.emplace(std::string(key), std::move(*text));
  }
  out.scopes = Scopes(claims);
  return out;
}

}  // namespace

JwtAuthorizer::JwtAuthorizer(std::unique_ptr<JwtKeys> keys) : keys_(std::move(keys)) {}
JwtAuthorizer::~JwtAuthorizer() = default;

Result<std::unique_ptr<JwtAuthorizer>> JwtAuthorizer::Create(const JwtAuthorizerConfig& config) {
  auto keys = std::make_unique<JwtKeys>();
  if (config.issuer.empty()) return Reject("JWT authorizer needs an issuer");
  keys->issuer = config.issuer;
  for (const std::string& a : config.audience) {
    if (!a.empty()) keys->audience.push_back(a);
  }
  if (keys->audience.empty()) return Reject("JWT authorizer needs an audience");
  // RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output.
  if (!config.hs256_secret.empty() && config.hs256_secret.size() < 32) {
    return Reject("HS256 secret must be at least 32 bytes");
  }
  keys->hs256_secret = config.hs256_secret;
  if (!config.jwks_json.empty()) {
    KUMO_ASSIGN_OR_RETURN(keys->rsa, ParseJwks(config.jwks_json));
  }
  if (keys->hs256_secret.empty() && keys->rsa.empty()) {
    return Reject("JWT authorizer has no HS256 secret and no RS256 key");
  }
  return std::unique_ptr<JwtAuthorizer>(new JwtAuthorizer(std::move(keys)));
}

Result<JwtClaims> JwtAuthorizer::Verify(std::string_view token, int64_t now_s) const {
  if (token.empty() || token.size() > kMaxJwtBytes) return Reject("malformed token");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Reject("malformed token");
  }
  std::optional<std::string> header_text = Base64UrlDecode(token.substr(0, dot1));
  std::optional<std::string> sig = Base64UrlDecode(token.substr(dot2 + 1));
  std::optional<json::object> header = header_text ? ParseObject(*header_text) : std::nullopt;
  if (!header || !sig || sig->empty()) return Reject("malformed token");
  // The payload is only looked at once the signature over it has been checked.
  KUMO_RETURN_IF_ERROR(VerifySignature(*keys_, *header, token.substr(0, dot2), *sig));
  std::optional<std::string> payload_text =
      Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  std::optional<json::object> claims = payload_text ? ParseObject(*payload_text) : std::nullopt;
  if (!claims) return Reject("malformed token");
  KUMO_RETURN_IF_ERROR(CheckClaims(*keys_, *claims, now_s));
  return MakeClaims(*claims);
}

Result<JwtClaims> VerifyJwt(std::string_view token, const JwtAuthorizerConfig& config,
                            int64_t now_s) {
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<JwtAuthorizer> authorizer, JwtAuthorizer::Create(config));
  return authorizer->Verify(token, now_s);
}

}  // namespace kumo::gateway
