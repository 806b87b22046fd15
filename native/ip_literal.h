// An IP literal and a port as a struct sockaddr, the one parser of addresses the addons share
// (datagram_batch's sendto() destinations, reuse_port's bind addresses). A name is never
// resolved here: the caller falls back to Node, which resolves it. (Inline, in an anonymous
// namespace: see napi_support.h.)

#ifndef POLYPORT_NATIVE_IP_LITERAL_H_
#define POLYPORT_NATIVE_IP_LITERAL_H_

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

namespace {

// Parses an IP literal of `family` (IPv6 with an optional "%zone": a number or an interface
// name) and `port` into `out`; false when it is not one.
inline bool ParseIpLiteral(int family, const char* host, int port, sockaddr_storage* out,
                           socklen_t* len) {
  memset(out, 0, sizeof *out);
  if (family == AF_INET6) {
    sockaddr_in6* a6 = reinterpret_cast<sockaddr_in6*>(out);
    char plain[INET6_ADDRSTRLEN + 16];
    snprintf(plain, sizeof plain, "%s", host);
    char* percent = strchr(plain, '%');
    if (percent != nullptr) *percent = '\0';
    if (inet_pton(AF_INET6, plain, &a6->sin6_addr) != 1) return false;
    if (percent != nullptr) {
      char* end;
      unsigned long zone = strtoul(percent + 1, &end, 10);
      if (*end != '\0') zone = if_nametoindex(percent + 1);
      if (zone == 0) return false;
      a6->sin6_scope_id = static_cast<unsigned>(zone);
    }
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(port));
    *len = sizeof(sockaddr_in6);
    return true;
  }
  sockaddr_in* a4 = reinterpret_cast<sockaddr_in*>(out);
  if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) return false;
  a4->sin_family = AF_INET;
  a4->sin_port = htons(static_cast<uint16_t>(port));
  *len = sizeof(sockaddr_in);
  return true;
}

}  // namespace

#endif  // POLYPORT_NATIVE_IP_LITERAL_H_
