#include "api/instance_credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "common/encoding.h"
#include "common/sys_error.h"

namespace kumo::api {
namespace {

constexpr size_t kSecretBytes = 32;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<std::string> CredentialIssuer::LoadOrCreateSecret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    if (secret.size() == kSecretBytes) return secret;
    return MakeError(ErrorCode::kInternal, path + " is damaged (expected " +
                                               std::to_string(kSecretBytes) +
                                               " bytes); remove it to issue new credentials");
  }
  std::string secret = RandomBytes(kSecretBytes);
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return SysError("open " + tmp);
  bool ok = write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
            fsync(fd) == 0;
  int err = errno;
  close(fd);
  if (!ok) return SysError("write " + tmp, err);
  if (rename(tmp.c_str(), path.c_str()) != 0) return SysError("rename " + tmp);
  return secret;
}

InstanceCredentials CredentialIssuer::For(const std::string& function) const {
  InstanceCredentials c;
  // Shaped like AWS's (20 upper-case characters, 40-character secret) so SDKs that check the
  // form accept them; "KUMO" marks them as kumo's.
  c.access_key_id = "KUMO" + Upper(HexEncode(HmacSha256(secret_, "id\n" + function)).substr(0, 16));
  c.secret_access_key = Base64Encode(HmacSha256(secret_, "secret\n" + function).substr(0, 30));
  c.session_token = Base64Encode(HmacSha256(secret_, "token\n" + function));
  return c;
}

std::string RequestAccessKeyId(const net::HttpRequest& req) {
  std::string_view auth = req.Header("Authorization");
  size_t at = auth.find("Credential=");
  if (at != std::string_view::npos) {
    std::string_view rest = auth.substr(at + 11);
    return std::string(rest.substr(0, rest.find_first_of("/, ")));
  }
  std::string credential = req.QueryParam("X-Amz-Credential");
  return credential.substr(0, credential.find('/'));
}

Status CredentialIssuer::Check(const std::string& function, const net::HttpRequest& req) const {
  InstanceCredentials mine = For(function);
  std::string key = RequestAccessKeyId(req);
  if (!key.empty() && key != mine.access_key_id) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "The access key " + key + " is not the credentials of function " + function +
                         ", which made this call");
  }
  std::string_view token = req.Header("X-Amz-Security-Token");
  std::string query_token;
  if (token.empty()) {
    query_token = req.QueryParam("X-Amz-Security-Token");
    token = query_token;
  }
  if (!token.empty() && token != mine.session_token) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "The security token is not the credentials of function " + function +
                         ", which made this call");
  }
  return Ok();
}

}  // namespace kumo::api
