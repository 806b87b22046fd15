// polyport's batched datagram I/O: recvmmsg(2) and sendto(2) on a bound UDP socket, for the
// socket layer's DatagramEngine (src/socket/native-datagrams.ts loads this and falls back to
// node:dgram alone when it is missing).
//
// Why: node:dgram costs, per received datagram, a 64 KiB allocation, a Buffer, an rinfo object
// with a fresh address string and a JS callback with its async-hooks scope; per sent one, the
// JS send path and a request object. For a DNS server that is most of its CPU. Here one poll
// callback reads up to kSlots datagrams with one recvmmsg, copies them back to back into one
// Buffer, and hands JS their lengths and senders in one call; a reply is one sendto(2).
//
// The socket stays Node's: we dup its descriptor (so our epoll registration is separate from
// libuv's own for that fd), Node's receiving is stopped by the caller, and everything else
// (bind, options, connect, close, sends that must queue) stays on the node:dgram socket.

#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ip_literal.h"
#include "napi_support.h"
#include "poll_watcher.h"

namespace {

// Datagrams taken by one recvmmsg, and the room for each: the largest UDP payload fits, so no
// datagram is ever cut short here (the caller truncates to what recvfrom() asked for).
constexpr unsigned kSlots = 64;
constexpr size_t kSlotSize = 65536;

// A send this module cannot make itself (a host that is not a literal of the socket's family,
// or a full send buffer): the caller hands the datagram to node:dgram, which resolves or queues.
constexpr int kFallback = -100000;

// Scratch shared by every socket of one JS environment: recvmmsg fills it and the datagrams are
// copied out at once, so one is enough (4 MiB of address space; only touched pages are memory).
struct Scratch {
  char* arena = nullptr;
  mmsghdr msgs[kSlots];
  iovec iov[kSlots];
  sockaddr_storage from[kSlots];
};

// A watcher on a duplicate of the socket's descriptor, its callback JS's onReadable.
struct Handle : PollWatcher {
  int fd = -1;
  int family = AF_INET;
  // The sender seen last and its text, so a busy client's address is formatted once.
  sockaddr_storage last_from;
  socklen_t last_from_len = 0;
  napi_ref last_host = nullptr;
  // The destination sent to last, parsed once.
  char last_dest[INET6_ADDRSTRLEN + 16] = {0};
  sockaddr_storage dest;
  socklen_t dest_len = 0;
  int last_port = -1;

  // Closes the duplicate at once: while it is open the socket stays open, and its port taken,
  // however Node closes its own descriptor. Polling has stopped (the descriptor is out of
  // epoll), so closing it before uv_close() completes is safe.
  void Release() override {
    if (last_host != nullptr) napi_delete_reference(env, last_host);
    last_host = nullptr;
    if (fd >= 0) close(fd);
    fd = -1;
  }
};

Scratch* ScratchOf(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<Scratch*>(data);
}

void FreeScratch(napi_env, void* data, void*) {
  Scratch* s = static_cast<Scratch*>(data);
  free(s->arena);
  delete s;
}

Handle* HandleOf(napi_env env, napi_value value) {
  PollWatcher* w = PollWatcherOf(env, value);
  if (w == nullptr) napi_throw_type_error(env, nullptr, "not a datagram batch handle");
  return static_cast<Handle*>(w);
}

void OnReadable(uv_poll_t* poll, int status, int) {
  Handle* h = static_cast<Handle*>(poll->data);
  if (h->closed) return;
  // A pending socket error (an ICMP port unreachable on a connected socket) comes as POLLERR,
  // on which libuv stops the poll and reports UV_EBADF: poll again, and let recv() read the
  // error itself, as it reads anything else.
  if (status < 0) uv_poll_start(&h->poll, UV_READABLE, OnReadable);
  CallBack(h, {});
}

// open(fd, family, onReadable): a handle polling a duplicate of fd for reading, from now on
// until close().
napi_value Open(napi_env env, napi_callback_info info) {
  GET_ARGS(3);
  int fd, family;
  CHECK(napi_get_value_int32(env, args[0], &fd));
  CHECK(napi_get_value_int32(env, args[1], &family));
  Scratch* scratch = ScratchOf(env);
  if (scratch->arena == nullptr) {
    scratch->arena = static_cast<char*>(malloc(kSlots * kSlotSize));
    if (scratch->arena == nullptr) {
      napi_throw_error(env, "ENOMEM", "cannot allocate the datagram scratch buffer");
      return nullptr;
    }
    // Scratch is value-initialized (no control data, no flags); each message gets its slot.
    for (unsigned i = 0; i < kSlots; i++) {
      scratch->iov[i].iov_base = scratch->arena + i * kSlotSize;
      scratch->iov[i].iov_len = kSlotSize;
      msghdr& m = scratch->msgs[i].msg_hdr;
      m.msg_name = &scratch->from[i];
      m.msg_iov = &scratch->iov[i];
      m.msg_iovlen = 1;
    }
  }
  // Close-on-exec, as libuv makes its own descriptors: a child process must not inherit the
  // socket (it would keep the port bound after we close it).
  int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) {
    napi_throw_error(env, "EBADF", "cannot duplicate the datagram socket");
    return nullptr;
  }
  Handle* h = new Handle();
  h->fd = dup_fd;
  h->family = family;
  napi_value external = WatchDescriptor(env, h, dup_fd, args[2], "polyport:datagrams");
  if (external != nullptr) uv_poll_start(&h->poll, UV_READABLE, OnReadable);
  return external;
}

napi_value Close(napi_env env, napi_callback_info info) {
  GET_ARGS(1);
  Handle* h = HandleOf(env, args[0]);
  if (h != nullptr) ClosePollWatcher(h);
  return nullptr;
}

// The text of a sender's address; an IPv6 scope follows '%' as a number, which the socket
// layer's toAddressTuple() turns into the tuple's scopeId.
napi_value HostText(napi_env env, Handle* h, const sockaddr_storage& from, socklen_t len) {
  napi_value text;
  if (h->last_host != nullptr && len == h->last_from_len && memcmp(&from, &h->last_from, len) == 0 &&
      napi_get_reference_value(env, h->last_host, &text) == napi_ok)
    return text;
  char buf[INET6_ADDRSTRLEN + 16] = "";
  if (from.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&from)->sin_addr, buf, sizeof buf);
  } else if (from.ss_family == AF_INET6) {
    const sockaddr_in6* a6 = reinterpret_cast<const sockaddr_in6*>(&from);
    inet_ntop(AF_INET6, &a6->sin6_addr, buf, sizeof buf);
    if (a6->sin6_scope_id != 0) {
      size_t used = strlen(buf);
      snprintf(buf + used, sizeof buf - used, "%%%u", a6->sin6_scope_id);
    }
  }
  napi_create_string_latin1(env, buf, NAPI_AUTO_LENGTH, &text);
  if (h->last_host != nullptr) napi_delete_reference(env, h->last_host);
  napi_create_reference(env, text, 1, &h->last_host);
  memcpy(&h->last_from, &from, len);
  h->last_from_len = len;
  return text;
}

int PortOf(const sockaddr_storage& from) {
  if (from.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&from)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&from)->sin_port);
}

// recv(handle, meta: Int32Array, hosts: Array): a Buffer holding the datagrams back to back, or
// undefined. meta[0] is the count (0 when none waits, -errno on an error); then, per datagram,
// its length and its sender's port; hosts[i] is its sender's address text.
napi_value Recv(napi_env env, napi_callback_info info) {
  GET_ARGS(3);
  Handle* h = HandleOf(env, args[0]);
  if (h == nullptr) return nullptr;
  napi_typedarray_type type;
  size_t meta_len;
  void* meta_data;
  CHECK(napi_get_typedarray_info(env, args[1], &type, &meta_len, &meta_data, nullptr, nullptr));
  int32_t* meta = static_cast<int32_t*>(meta_data);
  if (type != napi_int32_array || meta_len < 1 + 2 * kSlots) {
    napi_throw_range_error(env, nullptr, "recv(): meta must be an Int32Array of 129 or more");
    return nullptr;
  }
  if (h->closed) {
    meta[0] = -EBADF;
    return nullptr;
  }
  Scratch* s = ScratchOf(env);
  // The kernel writes each sender's address length back: give every slot its full room again.
  for (unsigned i = 0; i < kSlots; i++) s->msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
  int n = recvmmsg(h->fd, s->msgs, kSlots, MSG_DONTWAIT, nullptr);
  if (n <= 0) {
    meta[0] = n == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
    return nullptr;
  }
  size_t total = 0;
  for (int i = 0; i < n; i++) total += s->msgs[i].msg_len;
  void* out_data;
  napi_value out;
  CHECK(napi_create_buffer(env, total, &out_data, &out));
  char* cursor = static_cast<char*>(out_data);
  meta[0] = n;
  for (int i = 0; i < n; i++) {
    unsigned len = s->msgs[i].msg_len;
    memcpy(cursor, s->iov[i].iov_base, len);
    cursor += len;
    meta[1 + 2 * i] = static_cast<int32_t>(len);
    meta[2 + 2 * i] = PortOf(s->from[i]);
    napi_value host = HostText(env, h, s->from[i], s->msgs[i].msg_hdr.msg_namelen);
    napi_set_element(env, args[2], i, host);
  }
  return out;
}

// Parses `host` (a literal of the socket's family, IPv6 with an optional "%zone", a number or
// an interface name) into h->dest, reusing the last parse for the same host and port.
bool Destination(Handle* h, const char* host, int port) {
  if (port == h->last_port && strcmp(host, h->last_dest) == 0) return true;
  // Parsed aside, so a host that is not a literal leaves the cached destination as it was.
  sockaddr_storage dest;
  socklen_t len;
  if (!ParseIpLiteral(h->family, host, port, &dest, &len)) return false;
  memcpy(&h->dest, &dest, len);
  h->dest_len = len;
  snprintf(h->last_dest, sizeof h->last_dest, "%s", host);
  h->last_port = port;
  return true;
}

// sendto(handle, data: Uint8Array, port, host): bytes sent, -errno, or kFallback for a
// send node:dgram must make (a name to resolve, another family, a full send buffer).
napi_value SendTo(napi_env env, napi_callback_info info) {
  GET_ARGS(4);
  Handle* h = HandleOf(env, args[0]);
  if (h == nullptr) return nullptr;
  if (h->closed) return Int(env, -EBADF);
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_value arraybuffer;
  size_t offset;
  CHECK(napi_get_typedarray_info(env, args[1], &type, &length, &data, &arraybuffer, &offset));
  int port;
  CHECK(napi_get_value_int32(env, args[2], &port));
  char host[INET6_ADDRSTRLEN + 16];
  size_t host_len;
  if (napi_get_value_string_latin1(env, args[3], host, sizeof host, &host_len) != napi_ok ||
      host_len >= sizeof host - 1 || !Destination(h, host, port))
    return Int(env, kFallback);
  ssize_t sent = sendto(h->fd, data, length, MSG_DONTWAIT,
                        reinterpret_cast<const sockaddr*>(&h->dest), h->dest_len);
  if (sent >= 0) return Int(env, static_cast<int>(sent));
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return Int(env, kFallback);
  return Failed(env);
}

napi_value Init(napi_env env, napi_value exports) {
  Scratch* scratch = new Scratch();  // value-initialized: every header zeroed
  napi_set_instance_data(env, scratch, FreeScratch, nullptr);
  napi_property_descriptor props[] = {
      {"open", nullptr, Open, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"recv", nullptr, Recv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sendto", nullptr, SendTo, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_value fallback = Int(env, kFallback);
  napi_set_named_property(env, exports, "FALLBACK", fallback);
  napi_value slots = Int(env, kSlots);
  napi_set_named_property(env, exports, "SLOTS", slots);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
