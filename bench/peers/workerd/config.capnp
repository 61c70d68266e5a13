# workerd serving bench/peers/workerd/worker.mjs for kumo's peers scenario. The socket's address
# is given on the command line (--socket-fd http=FD), so the benchmark can hand workerd an
# already-listening socket on 127.0.0.1:0.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .noop)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const noop :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.mjs")],
  compatibilityDate = "2024-09-23",
);
