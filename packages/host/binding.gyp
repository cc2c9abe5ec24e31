{
  "targets": [
    {
      "target_name": "provd_tftp",
      "sources": ["native/tftp_sender.c"],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
