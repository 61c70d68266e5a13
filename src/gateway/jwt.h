#pragma once
// JWT authorizer for gateway routes: verifies HS256 and RS256 tokens against one authorizer's
// issuer, audiences and keys, as API Gateway HTTP API JWT authorizers do. Time is a parameter so
// callers and tests decide what "now" is. OpenSSL and Boost.JSON stay inside jwt.cc.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kumo::gateway {

struct JwtAuthorizerConfig {
  std::string issuer;                 // must equal the token's "iss"
  std::vector<std::string> audience;  // the token's "aud" (or "client_id") must hit one of these
  std::string hs256_secret;           // enables HS256 when not empty (at least 32 bytes)
  std::string jwks_json;              // contents of the JWKS file; enables RS256 when not empty
};

// What a valid token says, ready for requestContext.authorizer.jwt.
struct JwtClaims {
  std::string json;                         // the claims object, serialized
  std::map<std::string, std::string> flat;  // scalar claims as strings (see FlattenClaim in .cc)
  std::vector<std::string> scopes;          // from "scope" (space separated) or "scp"
};

// Clock skew tolerated for "nbf" and "iat" only: an issuer whose clock runs a little ahead should
// not lock users out, while "exp" is enforced with no leeway so a token never outlives what its
// issuer granted.
inline constexpr int64_t kJwtClockSkewS = 30;

// Tokens longer than this are refused before any decoding, to bound work per request.
inline constexpr size_t kMaxJwtBytes = 16 * 1024;

struct JwtKeys;  // defined in jwt.cc

// One configured authorizer with its keys parsed once. Immutable after Create, so Verify may be
// called from any number of threads at once.
class JwtAuthorizer {
 public:
  // Fails with kInvalidArgument when the config cannot verify anything (no issuer, no audience,
  // no usable key, a short secret, a malformed JWKS).
  static Result<std::unique_ptr<JwtAuthorizer>> Create(const JwtAuthorizerConfig& config);
  ~JwtAuthorizer();

  // Errors are kInvalidArgument with a short reason meant for a 401 body: "malformed token",
  // "unsupported algorithm", "unknown key", "bad signature", "wrong issuer", "wrong audience",
  // "token expired", "token not yet valid".
  Result<JwtClaims> Verify(std::string_view token, int64_t now_s) const;

 private:
  explicit JwtAuthorizer(std::unique_ptr<JwtKeys> keys);
  std::unique_ptr<const JwtKeys> keys_;
};

// One-shot form: parses the config (including the JWKS) on every call. Gateways should keep a
// JwtAuthorizer per authorizer instead.
Result<JwtClaims> VerifyJwt(std::string_view token, const JwtAuthorizerConfig& config,
                            int64_t now_s);

// The token in an Authorization header: what follows "Bearer " (scheme case-insensitive), or the
// whole value when it has no scheme, as API Gateway accepts both. Empty for other schemes.
std::string BearerToken(std::string_view authorization_header);

// RFC 4648 section 5 without padding, as JWS uses it.
std::string Base64UrlEncode(std::string_view data);
// Strict: no padding, no whitespace, no non-zero trailing bits; nullopt otherwise.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace kumo::gateway
