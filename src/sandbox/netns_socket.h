#pragma once
// Client sockets inside another process's network namespace. A TCP socket keeps the namespace it
// was created in, so kumo can reach a server an instance listens on at its own 127.0.0.1 by
// creating the socket there and using it from the loop like any other. Any thread may call it;
// it blocks briefly (a helper thread enters the namespace, since setns changes only the calling
// thread and the loop thread must stay in kumo's namespace). Needs CAP_SYS_ADMIN.

#include <sys/types.h>

#include "common/result.h"
#include "common/unique_fd.h"

namespace kumo::sandbox {

// A new, unconnected, non-blocking, close-on-exec IPv4 TCP socket in the network namespace of
// process `pid`.
Result<UniqueFd> SocketInNetworkOf(pid_t pid);

}  // namespace kumo::sandbox
