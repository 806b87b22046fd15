// polyport's SO_REUSEPORT sockets for Node.js majors whose net and dgram lack the public
// `reusePort` option (before 22.12 / 23.1): the socket is made, given SO_REUSEADDR and
// SO_REUSEPORT, and bound here, then handed to Node by its descriptor (`server.listen({ fd })`,
// `dgram.bind({ fd })`), so everything after the bind is Node's own public path. The socket
// layer (src/socket/reuse-port.ts) calls this only where Node cannot set the option itself.
//
// Pure Node-API and POSIX, no libuv: the addon works on any Node that loads it.

#include <node_api.h>

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ip_literal.h"
#include "napi_support.h"

namespace {

// bound(family, type, host, port, v6only, backlog): a new socket of `family` and `type`
// (SOCK_STREAM or SOCK_DGRAM), non-blocking and close-on-exec (as libuv makes its own, so a
// child process never inherits a worker's port), with SO_REUSEADDR and SO_REUSEPORT set, and
// IPV6_V6ONLY as given for AF_INET6, bound to host:port (an IP literal). A stream socket also
// listens with `backlog`: a port another socket of the group conflicts with is then reported
// here, where the descriptor is still ours to close, not inside Node's listen(). Returns the
// descriptor, or -errno (nothing left open) when a step failed.
napi_value Bound(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  if (napi_get_cb_info(env, info, &argc, args, nullptr, nullptr) != napi_ok || argc < 6) {
    napi_throw_type_error(env, nullptr, "bound(family, type, host, port, v6only, backlog)");
    return nullptr;
  }
  int family, type, port, backlog;
  bool v6only;
  char host[INET6_ADDRSTRLEN + 16];
  size_t host_len;
  if (napi_get_value_int32(env, args[0], &family) != napi_ok ||
      napi_get_value_int32(env, args[1], &type) != napi_ok ||
      napi_get_value_string_latin1(env, args[2], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, args[3], &port) != napi_ok ||
      napi_get_value_bool(env, args[4], &v6only) != napi_ok ||
      napi_get_value_int32(env, args[5], &backlog) != napi_ok) {
    napi_throw_type_error(env, nullptr, "bound(): wrong argument types");
    return nullptr;
  }
  if ((family != AF_INET && family != AF_INET6) || (type != SOCK_STREAM && type != SOCK_DGRAM) ||
      port < 0 || port > 65535 || host_len >= sizeof host - 1)
    return Int(env, -EINVAL);
  sockaddr_storage addr;
  socklen_t addr_len;
  if (!ParseIpLiteral(family, host, port, &addr, &addr_len)) return Int(env, -EINVAL);

  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Failed(env);
  int on = 1;
  int v6 = v6only ? 1 : 0;
  bool ok = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
            setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) == 0 &&
            (family != AF_INET6 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof v6) == 0) &&
            bind(fd, reinterpret_cast<const sockaddr*>(&addr), addr_len) == 0 &&
            (type != SOCK_STREAM || listen(fd, backlog) == 0);
  if (!ok) {
    int failure = errno;
    close(fd);
    return Int(env, -failure);
  }
  return Int(env, fd);
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"bound", nullptr, Bound, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
