// The data loop of one big TFTP read transfer (octet mode, size known), on a thread of its own: the JavaScript side
// (packages/host/src/tftp) has already answered the request, checked the path, opened the file and negotiated the
// options; it hands this code a descriptor of the file, the negotiated values and the OACK to send (if any). This
// code sends windows of DATA blocks read ahead from the file, reads the client's 4-byte ACKs from one socket
// connected to the client, retransmits on timeout, and reports how the transfer ended. It builds no packet but DATA
// (the OACK comes ready from JavaScript; error packets are sent by JavaScript). The logic is a transcription of
// Transfer (transfer.ts): the same window, duplicate-ACK, timeout and retry rules.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

// how a transfer ended (kept in step with NativeStatus in native-sender.ts); the steps return GO_ON to go on
enum { GO_ON = 0, ST_OK = 1, ST_TIMEOUT = 2, ST_ABORTED = 3, ST_PEER_ERROR = 4, ST_ILLEGAL = 5, ST_READ_ERROR = 6, ST_SOCKET_ERROR = 7 };

#define MAX_BLKSIZE 65464
#define MAX_WINDOW 65535
#define READ_AHEAD (128 * 1024)
#define MAX_BUFFER (64 * 1024 * 1024)
#define RECV_SIZE 65536

typedef struct {
  // set once by start(), read by the thread
  int sock;  // the socket connected to the client (owned: closed by the thread, under lock)
  int file;  // a duplicate of the file's descriptor (owned, closed by the thread)
  uint32_t blksize, window, retries;
  int64_t timeout_ms, max_idle_ms, idle_before_ms;
  uint8_t *oack;  // the OACK to send first, or NULL
  size_t oack_len;
  napi_threadsafe_function done;
  // shared
  pthread_mutex_t lock;
  int aborted;
  int refs;  // the JavaScript handle and the thread
  // the thread's
  uint8_t *buf;     // file bytes of blocks [buf_first, ...): buf_bytes valid, capacity buf_cap
  size_t buf_cap, buf_bytes;
  uint64_t buf_first;
  int eof;  // the last read hit the end of the file: the data ends within buf
  uint8_t *recv_buf;  // RECV_SIZE bytes: any datagram of the client is read whole (MSG_TRUNC tells a longer one)
  int err;            // errno of the call that failed
} sender_t;

typedef struct {
  int status, err;
} result_t;

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void unref(sender_t *s) {
  pthread_mutex_lock(&s->lock);
  int left = --s->refs;
  pthread_mutex_unlock(&s->lock);
  if (left > 0) return;
  pthread_mutex_destroy(&s->lock);
  free(s->oack);
  free(s->buf);
  free(s->recv_buf);
  free(s);
}

static int is_aborted(sender_t *s) {
  pthread_mutex_lock(&s->lock);
  int a = s->aborted;
  pthread_mutex_unlock(&s->lock);
  return a;
}

// Reads the blocks from `first` on into buf (as many as fit); 0, or -1 with s->err set.
static int refill(sender_t *s, uint64_t first) {
  off_t at = (off_t)((first - 1) * s->blksize);
  size_t got = 0;
  while (got < s->buf_cap) {
    ssize_t n = pread(s->file, s->buf + got, s->buf_cap - got, at + (off_t)got);
    if (n < 0) {
      if (errno == EINTR) continue;
      s->err = errno;
      return -1;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  s->buf_first = first;
  s->buf_bytes = got;
  s->eof = got < s->buf_cap;
  return 0;
}

// The number of the last block once the end of the data is in buf (a short, possibly empty block), else UINT64_MAX.
static uint64_t last_block(const sender_t *s) {
  return s->eof ? s->buf_first + s->buf_bytes / s->blksize : UINT64_MAX;
}

// Whether block n's bytes are in buf (n >= buf_first always holds: buf is refilled from the window's base only).
static int in_buf(const sender_t *s, uint64_t n) {
  if (n < s->buf_first) return 0;
  uint64_t off = (n - s->buf_first) * s->blksize;
  if (off + s->blksize <= s->buf_bytes) return 1;
  return s->eof && off <= s->buf_bytes;
}

// Sends DATA block n (in buf); 0, or -1 with s->err set.
static int send_block(sender_t *s, uint64_t n) {
  size_t off = (size_t)((n - s->buf_first) * s->blksize);
  size_t len = s->buf_bytes - off < s->blksize ? s->buf_bytes - off : s->blksize;
  uint8_t header[4] = {0, 3, (uint8_t)((n >> 8) & 0xff), (uint8_t)(n & 0xff)};
  struct iovec iov[2] = {{header, 4}, {s->buf + off, len}};
  struct msghdr msg = {0};
  msg.msg_iov = iov;
  msg.msg_iovlen = len > 0 ? 2 : 1;
  for (;;) {
    if (sendmsg(s->sock, &msg, MSG_NOSIGNAL) >= 0) return 0;
    if (errno == EINTR) continue;
    s->err = errno;
    return -1;
  }
}

typedef struct {
  uint64_t base, sent_up_to, resent_for;
  uint32_t attempts;
  int64_t sent_at, last_progress;
  int oack_pending;
} loop_t;

// The blocks of the window from base not sent yet; GO_ON, or the status that ends the transfer.
static int send_window(sender_t *s, loop_t *l) {
  uint64_t last = l->base + s->window - 1;
  uint64_t next = l->sent_up_to + 1 > l->base ? l->sent_up_to + 1 : l->base;
  for (; next <= last; next++) {
    if (next > last_block(s)) break;
    if (!in_buf(s, next)) {
      if (refill(s, l->base) < 0) return ST_READ_ERROR;
      if (next > last_block(s)) break;
    }
    if (send_block(s, next) < 0) return ST_SOCKET_ERROR;
    l->sent_up_to = next;
  }
  return GO_ON;
}

static int send_oack(sender_t *s) {
  for (;;) {
    if (send(s->sock, s->oack, s->oack_len, MSG_NOSIGNAL) >= 0) return GO_ON;
    if (errno == EINTR) continue;
    s->err = errno;
    return ST_SOCKET_ERROR;
  }
}

// One ACK for block number `wire` (16 bits); GO_ON, or the status that ends the transfer.
static int on_ack(sender_t *s, loop_t *l, uint32_t wire, int64_t now) {
  if (l->oack_pending) {
    if (wire != 0) return GO_ON;
    l->oack_pending = 0;
  } else {
    uint64_t prev = l->base - 1;
    uint64_t acked = prev + ((wire - (uint32_t)(prev & 0xffff) + 0x10000) & 0xffff);
    if (acked == prev && s->window > 1 && l->sent_up_to >= l->base && l->resent_for != l->base) {
      // RFC 7440: part of the window was lost; send it again at once, once per window position
      l->resent_for = l->base;
      l->sent_up_to = prev;
      l->sent_at = now;
      return send_window(s, l);
    }
    if (acked < l->base || acked > l->sent_up_to) return GO_ON;  // duplicate or stale
    if (acked == last_block(s)) return ST_OK;
    l->base = acked + 1;
    l->attempts = 0;
    if (l->sent_up_to > acked) l->sent_up_to = acked;
    int st = send_window(s, l);
    if (st) return st;
    l->last_progress = l->sent_at = now_ms();
    return GO_ON;
  }
  // the OACK's ACK: the first window
  l->base = 1;
  l->attempts = 0;
  int st = send_window(s, l);
  if (st) return st;
  l->last_progress = l->sent_at = now_ms();
  return GO_ON;
}

static int run(sender_t *s) {
  loop_t l = {.base = 1, .sent_up_to = 0, .resent_for = 0, .attempts = 0, .oack_pending = s->oack != NULL};
  int64_t start = now_ms();
  l.sent_at = start;
  l.last_progress = start - s->idle_before_ms;
  int st = l.oack_pending ? send_oack(s) : send_window(s, &l);
  if (st) return st;
  int64_t rcv_timeout = 0;  // the receive timeout set on the socket (0: none yet)
  for (;;) {
    if (is_aborted(s)) return ST_ABORTED;
    int64_t now = now_ms();
    int64_t waited = now - l.sent_at, idle = now - l.last_progress;
    if (waited >= s->timeout_ms || idle >= s->max_idle_ms) {
      l.attempts += 1;
      if (l.attempts > s->retries || idle >= s->max_idle_ms) return ST_TIMEOUT;
      l.sent_at = now;
      if (l.oack_pending) {
        st = send_oack(s);
      } else {
        l.sent_up_to = l.base - 1;  // the whole window again
        st = send_window(s, &l);
      }
      if (st) return st;
      continue;
    }
    // wait for a packet until the next deadline: a blocking receive with a timeout (the socket's receive timeout is
    // set again only when the time left changed: after progress it is the whole timeout, as last time)
    int64_t wait = s->timeout_ms - waited < s->max_idle_ms - idle ? s->timeout_ms - waited : s->max_idle_ms - idle;
    if (wait < 1) wait = 1;  // (0 would mean no timeout)
    if (wait != rcv_timeout) {
      struct timeval tv = {.tv_sec = (time_t)(wait / 1000), .tv_usec = (suseconds_t)((wait % 1000) * 1000)};
      if (setsockopt(s->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
        s->err = errno;
        return ST_SOCKET_ERROR;
      }
      rcv_timeout = wait;
    }
    ssize_t n = recv(s->sock, s->recv_buf, RECV_SIZE, MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;  // the deadlines are checked above
      s->err = errno;
      return ST_SOCKET_ERROR;
    }
    if (n == 0 && is_aborted(s)) return ST_ABORTED;  // shut down by abort() (or an empty datagram: illegal below)
    const uint8_t *m = s->recv_buf;
    if (n == 4 && m[0] == 0 && m[1] == 4) {
      st = on_ack(s, &l, ((uint32_t)m[2] << 8) | m[3], now_ms());
      if (st) return st;
      continue;
    }
    // anything else from the client: a well-formed ERROR ends the transfer, the rest is an illegal operation
    if (n >= 5 && n <= RECV_SIZE && m[0] == 0 && m[1] == 5 && m[n - 1] == 0) return ST_PEER_ERROR;
    return ST_ILLEGAL;
  }
}

static void *thread_main(void *arg) {
  sender_t *s = arg;
  int status = run(s);
  pthread_mutex_lock(&s->lock);
  close(s->sock);
  s->sock = -1;
  pthread_mutex_unlock(&s->lock);
  close(s->file);
  result_t *r = malloc(sizeof *r);
  if (r) {
    r->status = status;
    r->err = s->err;
    if (napi_call_threadsafe_function(s->done, r, napi_tsfn_blocking) != napi_ok) free(r);
  }
  napi_release_threadsafe_function(s->done, napi_tsfn_release);
  unref(s);
  return NULL;
}

// Calls the JavaScript callback with (status, errno) on the main thread.
static void call_done(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  result_t *r = data;
  if (env != NULL && r != NULL) {
    napi_value args[2], undefined;
    napi_create_int32(env, r->status, &args[0]);
    napi_create_int32(env, r->err, &args[1]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, callback, 2, args, NULL);
  }
  free(r);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  unref(data);
}

#define THROW(env, msg) \
  do {                  \
    napi_throw_error(env, NULL, msg); \
    goto fail;          \
  } while (0)

static int get_i64(napi_env env, napi_value v, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || d != d || d < 0 || d > 9007199254740991.0) return -1;
  *out = (int64_t)d;
  return 0;
}

// Fills a socket address from a numeric IP address and a port; 0, or -1.
static int make_addr(napi_env env, napi_value v, int64_t port, int family, struct sockaddr_storage *ss, socklen_t *len) {
  char text[INET6_ADDRSTRLEN + 1];
  size_t n;
  if (napi_get_value_string_utf8(env, v, text, sizeof text, &n) != napi_ok || n >= sizeof text - 1 || port > 65535) return -1;
  memset(ss, 0, sizeof *ss);
  if (family == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, text, &a->sin_addr) != 1) return -1;
    *len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, text, &a->sin6_addr) != 1) return -1;
    *len = sizeof *a;
  }
  return 0;
}

// start(fileFd, family (4|6), localAddress, localPort, peerAddress, peerPort, blksize, windowsize, timeoutMs,
//       retries, maxIdleMs, idleBeforeMs, oack (Buffer|null), done(status, errno)) -> handle
// Throws (nothing started) when an argument is out of range or the socket cannot be made.
static napi_value start(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value argv[14];
  sender_t *s = NULL;
  int sock = -1, file = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 14) THROW(env, "start: 14 arguments expected");
  int64_t fd, family, lport, pport, blksize, window, timeout, retries, max_idle, idle_before;
  if (get_i64(env, argv[0], &fd) || get_i64(env, argv[1], &family) || get_i64(env, argv[3], &lport) ||
      get_i64(env, argv[5], &pport) || get_i64(env, argv[6], &blksize) || get_i64(env, argv[7], &window) ||
      get_i64(env, argv[8], &timeout) || get_i64(env, argv[9], &retries) || get_i64(env, argv[10], &max_idle) ||
      get_i64(env, argv[11], &idle_before))
    THROW(env, "start: a numeric argument is not a non-negative number");
  if ((family != 4 && family != 6) || fd > 0x7fffffff || blksize < 8 || blksize > MAX_BLKSIZE || window < 1 ||
      window > MAX_WINDOW || timeout < 1 || timeout > 3600000 || retries > 1000 || max_idle < 1 || max_idle > 86400000)
    THROW(env, "start: an argument is out of range");
  struct sockaddr_storage local, peer;
  socklen_t local_len, peer_len;
  if (make_addr(env, argv[2], lport, (int)family, &local, &local_len) || make_addr(env, argv[4], pport, (int)family, &peer, &peer_len))
    THROW(env, "start: not a numeric address of the family");
  napi_valuetype t;
  if (napi_typeof(env, argv[13], &t) != napi_ok || t != napi_function) THROW(env, "start: done must be a function");

  s = calloc(1, sizeof *s);
  if (!s) THROW(env, "start: out of memory");
  s->blksize = (uint32_t)blksize;
  s->window = (uint32_t)window;
  s->retries = (uint32_t)retries;
  s->timeout_ms = timeout;
  s->max_idle_ms = max_idle;
  s->idle_before_ms = idle_before;
  if (napi_typeof(env, argv[12], &t) != napi_ok) THROW(env, "start: bad oack");
  if (t != napi_null && t != napi_undefined) {
    void *data;
    size_t len;
    if (napi_get_buffer_info(env, argv[12], &data, &len) != napi_ok || len < 2 || len > 65535) THROW(env, "start: oack must be a Buffer");
    s->oack = malloc(len);
    if (!s->oack) THROW(env, "start: out of memory");
    memcpy(s->oack, data, len);
    s->oack_len = len;
  }
  // the read-ahead: at least two windows, at least READ_AHEAD bytes, in whole blocks
  uint64_t blocks = (READ_AHEAD + (uint64_t)blksize - 1) / (uint64_t)blksize;
  if (blocks < 2 * (uint64_t)window) blocks = 2 * (uint64_t)window;
  if (blocks * (uint64_t)blksize > MAX_BUFFER) THROW(env, "start: window too large");
  s->buf_cap = (size_t)(blocks * (uint64_t)blksize);
  s->buf = malloc(s->buf_cap);
  s->recv_buf = malloc(RECV_SIZE);
  if (!s->buf || !s->recv_buf) THROW(env, "start: out of memory");
  s->buf_first = 1;

  file = fcntl((int)fd, F_DUPFD_CLOEXEC, 0);
  if (file < 0) THROW(env, "start: the file descriptor cannot be duplicated");
  sock = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int on = 1;
  if (sock < 0 || setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0) THROW(env, "start: socket failed");
  if (bind(sock, (struct sockaddr *)&local, local_len) < 0) THROW(env, "start: bind failed");
  if (connect(sock, (struct sockaddr *)&peer, peer_len) < 0) THROW(env, "start: connect failed");

  napi_value name;
  napi_create_string_utf8(env, "provd-tftp-sender", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[13], NULL, name, 0, 1, NULL, NULL, NULL, call_done, &s->done) != napi_ok)
    THROW(env, "start: cannot create the completion callback");
  if (pthread_mutex_init(&s->lock, NULL) != 0) {
    napi_release_threadsafe_function(s->done, napi_tsfn_abort);
    THROW(env, "start: mutex failed");
  }
  s->sock = sock;
  s->file = file;
  s->refs = 2;
  napi_value handle;
  if (napi_create_external(env, s, finalize_handle, NULL, &handle) != napi_ok) {
    pthread_mutex_destroy(&s->lock);
    napi_release_threadsafe_function(s->done, napi_tsfn_abort);
    THROW(env, "start: cannot create the handle");
  }
  pthread_attr_t attr;
  pthread_t thread;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  int started = pthread_create(&thread, &attr, thread_main, s);
  pthread_attr_destroy(&attr);
  if (started != 0) {
    // the handle's finalizer frees s once garbage-collected: only the thread's reference and resources are undone
    s->refs = 1;
    s->sock = -1;
    s->file = -1;
    napi_release_threadsafe_function(s->done, napi_tsfn_abort);
    close(sock);
    close(file);
    napi_throw_error(env, NULL, "start: cannot start a thread");
    return NULL;
  }
  return handle;

fail:
  if (sock >= 0) close(sock);
  if (file >= 0) close(file);
  if (s) {
    free(s->oack);
    free(s->buf);
    free(s->recv_buf);
    free(s);
  }
  return NULL;
}

// abort(handle): the thread stops at once (its socket is shut down: the blocked receive returns) and reports ST_ABORTED.
static napi_value abort_transfer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_error(env, NULL, "abort: a handle expected");
    return NULL;
  }
  sender_t *s = data;
  pthread_mutex_lock(&s->lock);
  s->aborted = 1;
  if (s->sock >= 0) shutdown(s->sock, SHUT_RDWR);
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "start", NAPI_AUTO_LENGTH, start, NULL, &fn);
  napi_set_named_property(env, exports, "start", fn);
  napi_create_function(env, "abort", NAPI_AUTO_LENGTH, abort_transfer, NULL, &fn);
  napi_set_named_property(env, exports, "abort", fn);
  return exports;
}
