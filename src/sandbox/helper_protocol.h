#pragma once
// What the launcher and the helper say over their socketpair (the helper's fd 3, SOCK_SEQPACKET).
// First the launcher sends the helper's configuration: its flags (helper_config.h), each ended by
// a NUL byte. It travels here rather than in argv because argv is visible to every user of the
// host (ps) and the instance's environment holds secrets.
// Then the helper sends one reply, as text with file descriptors attached (SCM_RIGHTS):
//   "OK <host pid of the instance's main process> <has pidfd 0|1> <bound port>...": the fds are
//   the listening sockets in port order, then (if has pidfd) a pidfd of the main process.
//   "ERR <what failed: reason>": nothing attached; the text becomes Launch's error.
// Stateless; any thread.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"

namespace kumo::sandbox {

inline constexpr int kHelperReplyFd = 3;

struct HelperReply {
  pid_t main_pid = 0;
  bool has_pidfd = false;
  std::vector<uint16_t> ports;
};

std::string FormatOkReply(const HelperReply& reply);
std::string FormatErrorReply(const std::string& message);
// An "ERR" reply becomes an Error with its text; a malformed one an Error saying so.
Result<HelperReply> ParseReply(const std::string& text);

// Maximum size of the configuration message (the environment is most of it).
inline constexpr size_t kMaxConfigBytes = 128 * 1024;
inline constexpr size_t kMaxReplyBytes = 4096;

std::string EncodeArgs(const std::vector<std::string>& args);
// Nullopt if the text does not end in NUL.
std::optional<std::vector<std::string>> DecodeArgs(const std::string& text);

// Sends one message with fds attached. Returns 0 or an errno value. Async-signal-safe enough for
// the helper (no allocation besides the caller's).
int SendWithFds(int sock, const std::string& text, const std::vector<int>& fds);

struct Received {
  std::string text;
  std::vector<UniqueFd> fds;
};
// Waits up to timeout_ms for one message of at most max_bytes on a SOCK_SEQPACKET socket.
// Received fds are CLOEXEC. An empty text with no error means the peer closed without a message.
Result<Received> ReceiveWithFds(int sock, int timeout_ms, size_t max_bytes = kMaxReplyBytes);

}  // namespace kumo::sandbox
