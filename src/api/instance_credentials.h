#pragma once
// Per-function credentials for calls from instances to kumo's API. Each instance reaches kumo's
// API on its own socket, made inside its network namespace, so kumo knows which function calls
// from the socket alone: that is the identity. The credentials each function gets
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, so AWS SDKs sign requests
// unchanged) must, when a request carries any, be that function's own: a function that presents
// another function's keys is refused. They are derived from a server secret kept in the data
// directory, so they survive restarts without a table of keys. Thread-compatible (immutable).

#include <string>

#include "common/result.h"
#include "net/http_types.h"

namespace kumo::api {

struct InstanceCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

class CredentialIssuer {
 public:
  explicit CredentialIssuer(std::string secret) : secret_(std::move(secret)) {}
  // The secret stored at `path` (mode 0600), created with 32 random bytes if missing.
  static Result<std::string> LoadOrCreateSecret(const std::string& path);

  InstanceCredentials For(const std::string& function) const;
  // Ok when `req` carries no AWS credentials, or only `function`'s; otherwise an error saying
  // which credential is not this function's. Looks at the SigV4 Authorization header's
  // Credential, the presigned X-Amz-Credential query parameter and X-Amz-Security-Token.
  Status Check(const std::string& function, const net::HttpRequest& req) const;

 private:
  std::string secret_;
};

// The access key id in a SigV4 Authorization header ("AWS4-HMAC-SHA256 Credential=AKID/...") or
// an X-Amz-Credential query parameter; empty when there is none.
std::string RequestAccessKeyId(const net::HttpRequest& req);

}  // namespace kumo::api
