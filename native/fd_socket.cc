// polyport's descriptor sockets: the socket system calls themselves, for the kinds Node cannot
// open (AF_UNIX datagram and seqpacket, SOCK_RAW, the unprivileged ICMP datagram socket,
// socketpair(2) of any type) and for what Node cannot carry (sendmsg/recvmsg with ancillary
// data, options by level and number).
//
// Deliberately thin: every call is one system call on a non-blocking descriptor, addresses and
// control messages travel as raw bytes (struct sockaddr, the msg_control area) that the
// TypeScript side encodes and decodes, and a failure is returned as a negative errno, never
// thrown, so the policy (which error class, which message, when to wait) stays in TypeScript
// (src/socket/node/fd-socket.ts). Readiness: a poll(2) with no timeout answers "is it ready
// now", and a uv_poll watcher, armed only for what is not ready yet, says when that changes.

#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "napi_support.h"
#include "poll_watcher.h"

namespace {

napi_value Copy(napi_env env, const void* data, size_t length) {
  napi_value buffer;
  void* unused;
  napi_create_buffer_copy(env, length, data, &unused, &buffer);
  return buffer;
}

// Reads the number arguments as int32 (the others, buffers, are read by the call itself).
template <size_t N>
bool Ints(napi_env env, napi_value* args, size_t count, int (&out)[N]) {
  for (size_t i = 0; i < N && i < count; i++) {
    napi_valuetype type;
    if (napi_typeof(env, args[i], &type) != napi_ok) return false;
    if (type == napi_number && napi_get_value_int32(env, args[i], &out[i]) != napi_ok)
      return false;
  }
  return true;
}

// The bytes of a Buffer (or any typed array) argument; null/undefined gives an empty span.
bool Bytes(napi_env env, napi_value value, void** data, size_t* length) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type == napi_null || type == napi_undefined) {
    *data = nullptr;
    *length = 0;
    return true;
  }
  bool is_buffer = false;
  napi_is_buffer(env, value, &is_buffer);
  if (is_buffer) return napi_get_buffer_info(env, value, data, length) == napi_ok;
  napi_typedarray_type kind;
  napi_value arraybuffer;
  size_t offset;
  return napi_get_typedarray_info(env, value, &kind, length, data, &arraybuffer, &offset) ==
         napi_ok;
}

// GET_ARGS(n), and `ints`, the number arguments among them as int32 (0 for the others).
#define ARGS(n)                       \
  GET_ARGS(n);                        \
  int ints[n] = {0};                  \
  if (!Ints(env, args, argc, ints)) { \
    ThrowFailure(env);                \
    return nullptr;                   \
  }

// socket(domain, type, protocol) -> fd | -errno. Non-blocking and close-on-exec, always.
napi_value Socket(napi_env env, napi_callback_info info) {
  ARGS(3);
  int fd = socket(ints[0], ints[1] | SOCK_NONBLOCK | SOCK_CLOEXEC, ints[2]);
  return fd < 0 ? Failed(env) : Int(env, fd);
}

// socketpair(domain, type, protocol) -> [fd, fd] | -errno.
napi_value SocketPair(napi_env env, napi_callback_info info) {
  ARGS(3);
  int fds[2];
  if (socketpair(ints[0], ints[1] | SOCK_NONBLOCK | SOCK_CLOEXEC, ints[2], fds) < 0)
    return Failed(env);
  napi_value pair;
  CHECK(napi_create_array_with_length(env, 2, &pair));
  napi_set_element(env, pair, 0, Int(env, fds[0]));
  napi_set_element(env, pair, 1, Int(env, fds[1]));
  return pair;
}

// bind(fd, sockaddr) / connect(fd, sockaddr) -> 0 | -errno: one binding a call.
template <int (*Call)(int, const sockaddr*, socklen_t)>
napi_value WithAddress(napi_env env, napi_callback_info info) {
  ARGS(2);
  void* addr;
  size_t len;
  if (!Bytes(env, args[1], &addr, &len)) return nullptr;
  return Call(ints[0], static_cast<sockaddr*>(addr), len) < 0 ? Failed(env) : Int(env, 0);
}

// listen(fd, backlog) / shutdown(fd, how) -> 0 | -errno.
template <int (*Call)(int, int)>
napi_value WithInt(napi_env env, napi_callback_info info) {
  ARGS(2);
  return Call(ints[0], ints[1]) < 0 ? Failed(env) : Int(env, 0);
}

// close(fd) -> 0 | -errno.
napi_value Close(napi_env env, napi_callback_info info) {
  ARGS(1);
  return close(ints[0]) < 0 ? Failed(env) : Int(env, 0);
}

// dup(fd) -> a close-on-exec duplicate | -errno (Python's fromfd() and dup()).
napi_value Dup(napi_env env, napi_callback_info info) {
  ARGS(1);
  int fd = fcntl(ints[0], F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return Failed(env);
  // Non-blocking, as every descriptor this module hands out (a shared file description: the
  // flag is the original's too, which Python's fromfd() also leaves to the caller).
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  return Int(env, fd);
}

// accept(fd) -> [fd, sockaddr] | -errno.
napi_value Accept(napi_env env, napi_callback_info info) {
  ARGS(1);
  sockaddr_storage from;
  socklen_t len = sizeof from;
  int fd = accept4(ints[0], reinterpret_cast<sockaddr*>(&from), &len,
                   SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return Failed(env);
  napi_value pair;
  CHECK(napi_create_array_with_length(env, 2, &pair));
  napi_set_element(env, pair, 0, Int(env, fd));
  napi_set_element(env, pair, 1, Copy(env, &from, len));
  return pair;
}

// getsockname(fd) / getpeername(fd) -> sockaddr | -errno.
template <int (*Call)(int, sockaddr*, socklen_t*)>
napi_value Name(napi_env env, napi_callback_info info) {
  ARGS(1);
  sockaddr_storage name;
  socklen_t len = sizeof name;
  if (Call(ints[0], reinterpret_cast<sockaddr*>(&name), &len) < 0) return Failed(env);
  return Copy(env, &name, len);
}

// getsockopt(fd, level, name, buflen) -> bytes | -errno.
napi_value GetSockOpt(napi_env env, napi_callback_info info) {
  ARGS(4);
  if (ints[3] < 0 || ints[3] > 1024) return Int(env, -EINVAL);
  char value[1024];
  socklen_t len = ints[3];
  if (getsockopt(ints[0], ints[1], ints[2], value, &len) < 0) return Failed(env);
  return Copy(env, value, len);
}

// setsockopt(fd, level, name, bytes) -> 0 | -errno.
napi_value SetSockOpt(napi_env env, napi_callback_info info) {
  ARGS(4);
  void* value;
  size_t len;
  if (!Bytes(env, args[3], &value, &len)) return nullptr;
  return setsockopt(ints[0], ints[1], ints[2], value, len) < 0 ? Failed(env) : Int(env, 0);
}

// sendmsg(fd, data, control, flags, sockaddr) -> bytes sent | -errno. data is one buffer (JS
// joins Python's list of buffers); control is the msg_control area, already laid out.
napi_value SendMsg(napi_env env, napi_callback_info info) {
  ARGS(5);
  iovec iov;
  void* control;
  size_t control_len;
  void* addr;
  size_t addr_len;
  if (!Bytes(env, args[1], &iov.iov_base, &iov.iov_len) ||
      !Bytes(env, args[2], &control, &control_len) || !Bytes(env, args[4], &addr, &addr_len)) {
    ThrowFailure(env);
    return nullptr;
  }
  msghdr msg = {};
  msg.msg_name = addr;
  msg.msg_namelen = addr_len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control_len > 0 ? control : nullptr;
  msg.msg_controllen = control_len;
  // No SIGPIPE: a peer that is gone is EPIPE, reported as Python's BrokenPipeError.
  ssize_t sent = sendmsg(ints[0], &msg, ints[3] | MSG_NOSIGNAL);
  return sent < 0 ? Failed(env) : Int(env, sent);
}

// recvmsg(fd, bufsize, ancbufsize, flags) -> [data, control, msg_flags, sockaddr] | -errno.
// Descriptors that arrive are close-on-exec, as Python's recvmsg() makes them.
napi_value RecvMsg(napi_env env, napi_callback_info info) {
  ARGS(4);
  if (ints[1] < 0 || ints[2] < 0) return Int(env, -EINVAL);
  void* data = malloc(ints[1] > 0 ? ints[1] : 1);
  void* control = ints[2] > 0 ? malloc(ints[2]) : nullptr;
  if (data == nullptr || (ints[2] > 0 && control == nullptr)) {
    free(data);
    free(control);
    return Int(env, -ENOMEM);
  }
  sockaddr_storage from;
  iovec iov = {data, static_cast<size_t>(ints[1])};
  msghdr msg = {};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = ints[2];
  ssize_t got = recvmsg(ints[0], &msg, ints[3] | MSG_CMSG_CLOEXEC);
  if (got < 0) {
    napi_value failed = Failed(env);
    free(data);
    free(control);
    return failed;
  }
  napi_value result;
  napi_create_array_with_length(env, 4, &result);
  // A datagram longer than the buffer comes back with its full length under MSG_TRUNC.
  size_t kept = static_cast<size_t>(got) < iov.iov_len ? got : iov.iov_len;
  napi_set_element(env, result, 0, Copy(env, data, kept));
  napi_set_element(env, result, 1, Copy(env, control, control ? msg.msg_controllen : 0));
  napi_set_element(env, result, 2, Int(env, msg.msg_flags & ~MSG_CMSG_CLOEXEC));
  napi_set_element(env, result, 3, Copy(env, &from, msg.msg_namelen));
  free(data);
  free(control);
  return result;
}

// pollNow(fd) -> revents of poll(2) for POLLIN|POLLOUT with no wait (the values of Linux's
// POLLIN, POLLOUT, POLLERR, POLLHUP, POLLNVAL, which polyport's readiness bits share).
napi_value PollNow(napi_env env, napi_callback_info info) {
  ARGS(1);
  pollfd p = {ints[0], POLLIN | POLLOUT, 0};
  int n = poll(&p, 1, 0);
  if (n < 0) return Failed(env);
  return Int(env, n == 0 ? 0 : p.revents);
}

void OnEvents(uv_poll_t* poll, int status, int events) {
  PollWatcher* w = static_cast<PollWatcher*>(poll->data);
  if (w->closed) return;
  // libuv stops a poll on POLLERR (reported as a negative status): JS re-arms after it has
  // looked at the descriptor, as after any event.
  uv_poll_stop(&w->poll);
  CallBack(w, {status, events});
}

// watch(fd, callback(status, events)) -> watcher, idle until arm().
napi_value Watch(napi_env env, napi_callback_info info) {
  ARGS(2);
  return WatchDescriptor(env, new PollWatcher(), ints[0], args[1], "polyport:fd-socket");
}

// A watcher of a private duplicate of a descriptor the caller does not own, closed once polling
// has stopped.
struct DuplicateWatcher : PollWatcher {
  int fd = -1;
  void Release() override {
    if (fd >= 0) close(fd);
    fd = -1;
  }
};

// watchDescriptor(fd, callback(status, events)) -> watcher, or -errno: a watcher of any
// descriptor the caller does not own (a pipe, a tty, stdin). It polls a private duplicate, so
// the descriptor may be one Node's own handles already watch (libuv allows one watcher per
// number), and closing the original while a wait is armed never leaves libuv polling a number
// that something else may reuse. The file's mode is left as it was: libuv makes what it polls
// non-blocking, and the flag belongs to the file description, shared with every process that
// holds it (a terminal, a parent's pipe), which select() must not change.
napi_value WatchAnyDescriptor(napi_env env, napi_callback_info info) {
  ARGS(2);
  int flags = fcntl(ints[0], F_GETFL);
  if (flags < 0) return Failed(env);
  int fd = fcntl(ints[0], F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return Failed(env);
  DuplicateWatcher* w = new DuplicateWatcher();
  w->fd = fd;
  // Set back before anything else: the duplicate shares the file description's flags.
  napi_value external = WatchDescriptor(env, w, fd, args[1], "polyport:descriptor");
  if ((flags & O_NONBLOCK) == 0) fcntl(ints[0], F_SETFL, flags);
  if (external != nullptr) return external;
  // epoll refuses (EPERM) what poll(2) calls always ready (a regular file): the caller learns
  // it as -EPERM, as every other call here reports an errno; anything else stays thrown.
  napi_value error, code;
  bool is_eperm = false;
  if (napi_get_and_clear_last_exception(env, &error) == napi_ok &&
      napi_get_named_property(env, error, "code", &code) == napi_ok) {
    char text[16] = {0};
    size_t length = 0;
    napi_get_value_string_utf8(env, code, text, sizeof text, &length);
    is_eperm = strcmp(text, "EPERM") == 0;
  }
  if (is_eperm) return Int(env, -EPERM);
  napi_throw(env, error);
  return nullptr;
}

// arm(watcher, events): polls for UV_READABLE (1) and/or UV_WRITABLE (2); 0 stops. An armed
// watcher keeps the event loop alive, as a pending read does.
napi_value Arm(napi_env env, napi_callback_info info) {
  GET_ARGS(2);
  PollWatcher* w = PollWatcherOf(env, args[0]);
  int events = 0;
  CHECK(napi_get_value_int32(env, args[1], &events));
  if (w == nullptr || w->closed) return Int(env, -EBADF);
  int rc = events == 0 ? uv_poll_stop(&w->poll) : uv_poll_start(&w->poll, events, OnEvents);
  return Int(env, rc);
}

// unwatch(watcher): stops and closes the watcher (before the descriptor is closed).
napi_value Unwatch(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  PollWatcher* w = PollWatcherOf(env, args[0]);
  if (w != nullptr) ClosePollWatcher(w);
  return Int(env, 0);
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"socket", nullptr, Socket, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"socketpair", nullptr, SocketPair, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bind", nullptr, WithAddress<bind>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"connect", nullptr, WithAddress<connect>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"listen", nullptr, WithInt<listen>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"accept", nullptr, Accept, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"shutdown", nullptr, WithInt<shutdown>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dup", nullptr, Dup, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getsockname", nullptr, Name<getsockname>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getpeername", nullptr, Name<getpeername>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getsockopt", nullptr, GetSockOpt, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setsockopt", nullptr, SetSockOpt, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sendmsg", nullptr, SendMsg, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"recvmsg", nullptr, RecvMsg, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pollNow", nullptr, PollNow, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"watch", nullptr, Watch, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"watchDescriptor", nullptr, WatchAnyDescriptor, nullptr, nullptr, nullptr, napi_default,
       nullptr},
      {"arm", nullptr, Arm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unwatch", nullptr, Unwatch, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
