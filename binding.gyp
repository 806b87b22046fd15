{
  "targets": [
    {
      "target_name": "datagram_batch",
      "sources": ["native/datagram_batch.cc"],
      "cflags_cc": ["-O2", "-std=c++17"]
    }
  ]
}
