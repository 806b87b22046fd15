{
  "targets": [
    {
      "target_name": "datagram_batch",
      "sources": ["native/datagram_batch.cc"],
      "cflags_cc": ["-O2", "-std=c++17"]
    },
    {
      "target_name": "reuse_port",
      "sources": ["native/reuse_port.cc"],
      "cflags_cc": ["-O2", "-std=c++17"]
    },
    {
      "target_name": "fd_socket",
      "sources": ["native/fd_socket.cc"],
      "cflags_cc": ["-O2", "-std=c++17"]
    }
  ]
}
