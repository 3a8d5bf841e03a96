/*
 * Differential oracle for epoll-wasm: runs programs in the line format of
 * tests/diff/program.ts against the real Linux syscalls and prints one result line per op.
 *
 * Input (stdin): programs separated by a line "---"; one op per line:
 *   epc FLAGS                 epoll_create1(FLAGS)
 *   pipe FLAGS                pipe2(fds, FLAGS)            -> "0 R W" or -errno
 *   efd INIT FLAGS            eventfd(INIT, FLAGS)
 *   memfd FLAGS               memfd_create("m", FLAGS)
 *   sp FLAGS                  socketpair(AF_UNIX, SOCK_STREAM|FLAGS, 0, sv) -> "0 A B" or -errno
 *   shut FD HOW               shutdown(FD, HOW)
 *   ctl EPFD OP FD EV DATA    epoll_ctl with struct epoll_event {EV, DATA}
 *   ctl EPFD OP FD null       epoll_ctl with a NULL event pointer
 *   wait EPFD MAX             epoll_wait(EPFD, buf[64], MAX, 0) -> "N ev:data ..."
 *   poll FD:EV ...            poll(fds, n, 0)                -> "N rev ..."
 *   read FD N                 read(FD, buf, N)               -> "N h=fnv [v=u64 if N==8]"
 *   write FD N VAL            write of N bytes: VAL as u64 LE, then 0x5a fill
 *   dup FD | dup2 A B | close FD | getfl FD | setfl FD FLAGS
 *   sock FLAGS                socket(AF_UNIX, SOCK_STREAM|FLAGS, 0)
 *   bind FD NAME | conn FD NAME   bind/connect to NAME: "@x" an abstract name (made unique to
 *                             this process), "-" the empty address (bind: autobind)
 *   listen FD BACKLOG         listen(FD, BACKLOG)
 *   acc FD FLAGS              accept4(FD, &addr, &len, FLAGS) -> "FD NAME" or -errno
 *   gsn FD | gpn FD           getsockname/getpeername -> "0 NAME" or -errno
 *   recv FD N FLAGS           recv(FD, buf, N, FLAGS) -> as read
 *   inq FD                    ioctl(FD, FIONREAD) -> "0 N" or -errno
 *   sockt TYPE | spt TYPE     socket / socketpair(AF_UNIX, TYPE, 0): TYPE with its flags
 *   sendto FD N FLAGS NAME    sendto of N bytes (as write) to NAME ("-": no address)
 *   recvfrom FD N FLAGS       recvfrom -> "N h=fnv NAME" (NAME of the sender) or -errno
 *   sendfd FD N PASS          sendmsg of N bytes of 0x5a with SCM_RIGHTS carrying fd PASS
 *   recvfd FD N FLAGS         recvmsg -> "N fds=A,B,.. flags=0xF" or -errno
 *   isock FAM TYPE            socket(FAM, TYPE, 0): AF_INET / AF_INET6, TYPE with its flags
 *   sopt FD LEVEL NAME VAL    setsockopt of an int
 *   gopt FD LEVEL NAME        getsockopt of an int -> "0 V" or -errno
 *   sigact SIG MODE           sigaction: 0 SIG_DFL, 1 SIG_IGN, 2 a counting handler, 3 the same + SA_RESTART
 *   kill SIG | tkill SIG      kill(getpid(), SIG) / tgkill(getpid(), gettid(), SIG)
 *   mask HOW SET              rt_sigprocmask(HOW, SET, &old, 8) -> "0 OLD" (hex) or -errno
 *   pend                      rt_sigpending -> "0 SET" (hex)
 *   hits                      the handler's counts since the last hits: "SIG:N,..." or "-"
 *   sfd FD MASK FLAGS         signalfd4(FD, MASK, 8, FLAGS)
 * A read of a signalfd prints "N sfd=SIGNO:CODE,..." (the records; the pid is left out).
 * Before each program the signals the ops use are reset: SIG_DFL, SIGPIPE SIG_IGN, no
 * mask, nothing pending, counts 0.
 * NAME "^" is an AF_UNSPEC address (a datagram socket's disconnect).
 * NAME "FHS" is an internet address: F family 4 or 6; H host l (127.0.0.1 / ::1), w (0.0.0.0
 * / ::), m (::ffff:127.0.0.1; as 4: 127.0.0.1), x (127.0.0.2; as 6: ::1); S the port slot a
 * or b, or 0 (port 0). A bind to a slot without a port binds port 0 and, when it succeeds,
 * gives the slot the port it got; a connect or send to a slot without a port goes to port 1
 * (where nothing listens). Internet addresses are passed with the length of a
 * sockaddr_in6. In output they print as ADDR:SLOT ("a", "b"; "0" for port 0; "E" for any
 * other port: an ephemeral one, which Linux picks at random).
 * NAME in output: "@x" (this program's abstract name x), "@auto" (an autobind name), "-"
 * (unnamed), "?" (anything else).
 * Numbers are decimal or 0x-hex (VAL/DATA: unsigned 64-bit). Output: one line per op,
 * then "---" after each program. Every fd >= 3 is closed before each program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#define MAXEV 64
#define BUFSZ (1 << 18)

static unsigned char buf[BUFSZ];
static char out[1 << 16];

static long num(const char *s) { return (long)strtoll(s, NULL, 0); }
static uint64_t unum(const char *s) { return (uint64_t)strtoull(s, NULL, 0); }
static long ret(long r) { return r < 0 ? -errno : r; }

static void close_all(void) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0) return;
#endif
  for (int fd = 3; fd < 1024; fd++) close(fd);
}

/* Abstract names carry a prefix unique to this process and program: oracles may run side
 * by side, and a socket of an earlier program may outlive it (in flight in a cycle, until
 * the kernel's unix_gc runs). The prefix has a fixed width, so every abstract address is
 * 29 bytes or more: given to an internet socket it is long enough to be read as one (and
 * refused for its family), whatever the pid. */
static char prefix[48];
static int program_no;

/* This program's port slots (0: none yet). */
static int slot_port[2];

static int is_inet(const char *name) {
  return (name[0] == '4' || name[0] == '6') && name[1] && strchr("lwmx", name[1]) && name[2] && strchr("ab0", name[2]) && !name[3];
}

static socklen_t mkinet(struct sockaddr_storage *ss, const char *name, int for_bind) {
  memset(ss, 0, sizeof *ss);
  int port = name[2] == '0' ? 0 : slot_port[name[2] - 'a'];
  if (!port && !for_bind && name[2] != '0') port = 1;
  if (name[0] == '4') {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    const char *host = name[1] == 'w' ? "0.0.0.0" : name[1] == 'x' ? "127.0.0.2" : "127.0.0.1";
    inet_pton(AF_INET, host, &a->sin_addr);
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    const char *host = name[1] == 'w' ? "::" : name[1] == 'm' ? "::ffff:127.0.0.1" : "::1";
    inet_pton(AF_INET6, host, &a->sin6_addr);
  }
  return sizeof(struct sockaddr_in6);
}

/* Any address of the text form: internet, or AF_UNIX (below). */
static socklen_t mkany(struct sockaddr_storage *ss, const char *name, int for_bind);

static socklen_t mkaddr(struct sockaddr_un *a, const char *name) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  if (!strcmp(name, "-")) return sizeof(sa_family_t);
  if (!strcmp(name, "^")) { a->sun_family = AF_UNSPEC; return sizeof(sa_family_t); }
  size_t n = (size_t)sprintf(a->sun_path + 1, "%s%s", prefix, name + 1);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void showaddr(char *o, const struct sockaddr_un *a, socklen_t len) {
  size_t base = offsetof(struct sockaddr_un, sun_path);
  if (len <= base) { strcpy(o, "-"); return; }
  size_t n = len - base;
  size_t pl = strlen(prefix);
  if (a->sun_path[0] == 0 && n == 6) { strcpy(o, "@auto"); return; }
  if (a->sun_path[0] == 0 && n > 1 + pl && !memcmp(a->sun_path + 1, prefix, pl)) {
    sprintf(o, "@%.*s", (int)(n - 1 - pl), a->sun_path + 1 + pl);
    return;
  }
  strcpy(o, "?");
}

static socklen_t mkany(struct sockaddr_storage *ss, const char *name, int for_bind) {
  if (is_inet(name)) return mkinet(ss, name, for_bind);
  return mkaddr((struct sockaddr_un *)ss, name);
}

/* Prints any address: internet as ADDR:SLOT, AF_UNIX as showaddr does. */
static void showany(char *o, const struct sockaddr_storage *ss, socklen_t len) {
  int port;
  char host[64];
  if (len >= sizeof(sa_family_t) && ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    port = ntohs(a->sin_port);
  } else if (len >= sizeof(sa_family_t) && ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    port = ntohs(a->sin6_port);
  } else {
    showaddr(o, (const struct sockaddr_un *)ss, len);
    return;
  }
  const char *slot = port == 0 ? "0" : port == slot_port[0] ? "a" : port == slot_port[1] ? "b" : "E";
  sprintf(o, "%s:%s", host, slot);
}

static volatile sig_atomic_t hits[65];
static void count_hit(int sig) { hits[sig]++; }

/* The signals programs use, back to the oracle's baseline (pending ones are discarded by
 * SIG_IGN first). */
static void reset_signals(void) {
  static const int sigs[] = { 10, 12, 13, 17, 28 };
  uint64_t none = 0;
  for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_IGN);
  for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], sigs[i] == SIGPIPE ? SIG_IGN : SIG_DFL);
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);
  for (int i = 0; i < 65; i++) hits[i] = 0;
}

/* Whether fd is a signalfd (its records hold our pid: printed without it). */
static int is_signalfd(int fd) {
  char path[64], link[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, link, sizeof link - 1);
  if (n < 0) return 0;
  link[n] = 0;
  return strcmp(link, "anon_inode:[signalfd]") == 0;
}

static uint32_t fnv(const unsigned char *p, long n) {
  uint32_t h = 2166136261u;
  for (long i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
  return h;
}

/* Executes one op (already split into words); writes its result line into out. */
static void run_op(int argc, char **argv) {
  const char *op = argv[0];
  char *o = out;
  o[0] = 0;
  if (!strcmp(op, "epc") && argc == 2) {
    sprintf(o, "%ld", ret(epoll_create1((int)num(argv[1]))));
  } else if (!strcmp(op, "pipe") && argc == 2) {
    int fds[2] = {-1, -1};
    long r = ret(pipe2(fds, (int)num(argv[1])));
    if (r == 0) sprintf(o, "0 %d %d", fds[0], fds[1]);
    else sprintf(o, "%ld", r);
  } else if (!strcmp(op, "sp") && argc == 2) {
    int sv[2] = {-1, -1};
    long r = ret(socketpair(AF_UNIX, SOCK_STREAM | (int)num(argv[1]), 0, sv));
    if (r == 0) sprintf(o, "0 %d %d", sv[0], sv[1]);
    else sprintf(o, "%ld", r);
  } else if (!strcmp(op, "shut") && argc == 3) {
    sprintf(o, "%ld", ret(shutdown((int)num(argv[1]), (int)num(argv[2]))));
  } else if (!strcmp(op, "efd") && argc == 3) {
    sprintf(o, "%ld", ret(eventfd((unsigned)unum(argv[1]), (int)num(argv[2]))));
  } else if (!strcmp(op, "memfd") && argc == 2) {
    sprintf(o, "%ld", ret(syscall(SYS_memfd_create, "m", (unsigned)unum(argv[1]))));
  } else if (!strcmp(op, "ctl") && (argc == 5 || argc == 6)) {
    struct epoll_event ev;
    struct epoll_event *evp = NULL;
    if (argc == 6) {
      memset(&ev, 0, sizeof ev);
      ev.events = (uint32_t)unum(argv[4]);
      ev.data.u64 = unum(argv[5]);
      evp = &ev;
    }
    sprintf(o, "%ld", ret(epoll_ctl((int)num(argv[1]), (int)num(argv[2]), (int)num(argv[3]), evp)));
  } else if (!strcmp(op, "wait") && argc == 3) {
    struct epoll_event evs[MAXEV];
    int max = (int)num(argv[2]);
    if (max > MAXEV) max = MAXEV;
    long r = ret(epoll_wait((int)num(argv[1]), evs, max, 0));
    o += sprintf(o, "%ld", r);
    for (long i = 0; i < r; i++)
      o += sprintf(o, " 0x%x:%llu", evs[i].events, (unsigned long long)evs[i].data.u64);
  } else if (!strcmp(op, "poll") && argc >= 1 && argc <= 17) {
    struct pollfd p[16];
    int n = argc - 1;
    for (int i = 0; i < n; i++) {
      char *colon = strchr(argv[i + 1], ':');
      p[i].fd = (int)num(argv[i + 1]);
      p[i].events = colon ? (short)num(colon + 1) : 0;
      p[i].revents = 0;
    }
    long r = ret(poll(p, (nfds_t)n, 0));
    o += sprintf(o, "%ld", r);
    if (r >= 0)
      for (int i = 0; i < n; i++) o += sprintf(o, " 0x%x", (unsigned short)p[i].revents);
  } else if (!strcmp(op, "read") && argc == 3) {
    long n = num(argv[2]);
    if (n < 0 || n > BUFSZ) n = BUFSZ;
    long r = ret(read((int)num(argv[1]), buf, (size_t)n));
    o += sprintf(o, "%ld", r);
    if (r > 0 && is_signalfd((int)num(argv[1]))) {
      o += sprintf(o, " sfd=");
      for (long i = 0; i + 128 <= r; i += 128) {
        uint32_t signo;
        int32_t code;
        memcpy(&signo, buf + i, 4);
        memcpy(&code, buf + i + 8, 4);
        o += sprintf(o, i ? ",%u:%d" : "%u:%d", signo, code);
      }
      r = 0; /* no hash or value */
    }
    if (r > 0) o += sprintf(o, " h=%08x", fnv(buf, r));
    if (r == 8) {
      uint64_t v;
      memcpy(&v, buf, 8);
      o += sprintf(o, " v=%llu", (unsigned long long)v);
    }
  } else if (!strcmp(op, "write") && argc == 4) {
    long n = num(argv[2]);
    if (n < 0 || n > BUFSZ) n = BUFSZ;
    uint64_t v = unum(argv[3]);
    memset(buf, 0x5a, (size_t)n);
    memcpy(buf, &v, n < 8 ? (size_t)n : 8);
    sprintf(o, "%ld", ret(write((int)num(argv[1]), buf, (size_t)n)));
  } else if (!strcmp(op, "dup") && argc == 2) {
    sprintf(o, "%ld", ret(dup((int)num(argv[1]))));
  } else if (!strcmp(op, "dup2") && argc == 3) {
    sprintf(o, "%ld", ret(dup2((int)num(argv[1]), (int)num(argv[2]))));
  } else if (!strcmp(op, "close") && argc == 2) {
    sprintf(o, "%ld", ret(close((int)num(argv[1]))));
  } else if (!strcmp(op, "getfl") && argc == 2) {
    long r = ret(fcntl((int)num(argv[1]), F_GETFL));
    sprintf(o, r < 0 ? "%ld" : "0x%lx", r);
  } else if (!strcmp(op, "setfl") && argc == 3) {
    sprintf(o, "%ld", ret(fcntl((int)num(argv[1]), F_SETFL, (int)num(argv[2]))));
  } else if (!strcmp(op, "sock") && argc == 2) {
    sprintf(o, "%ld", ret(socket(AF_UNIX, SOCK_STREAM | (int)num(argv[1]), 0)));
  } else if ((!strcmp(op, "bind") || !strcmp(op, "conn")) && argc == 3) {
    struct sockaddr_storage a;
    socklen_t len = mkany(&a, argv[2], op[0] == 'b');
    int fd = (int)num(argv[1]);
    long r = ret(op[0] == 'b' ? bind(fd, (struct sockaddr *)&a, len) : connect(fd, (struct sockaddr *)&a, len));
    sprintf(o, "%ld", r);
    if (op[0] == 'b' && r == 0 && is_inet(argv[2]) && argv[2][2] != '0' && !slot_port[argv[2][2] - 'a']) {
      struct sockaddr_storage b;
      socklen_t bl = sizeof b;
      if (getsockname(fd, (struct sockaddr *)&b, &bl) == 0)
        slot_port[argv[2][2] - 'a'] = ntohs(b.ss_family == AF_INET ? ((struct sockaddr_in *)&b)->sin_port : ((struct sockaddr_in6 *)&b)->sin6_port);
    }
  } else if (!strcmp(op, "listen") && argc == 3) {
    sprintf(o, "%ld", ret(listen((int)num(argv[1]), (int)num(argv[2]))));
  } else if (!strcmp(op, "acc") && argc == 3) {
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    long r = ret(accept4((int)num(argv[1]), (struct sockaddr *)&a, &len, (int)num(argv[2])));
    o += sprintf(o, "%ld", r);
    if (r >= 0) { *o++ = ' '; showany(o, &a, len); }
  } else if ((!strcmp(op, "gsn") || !strcmp(op, "gpn")) && argc == 2) {
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    int fd = (int)num(argv[1]);
    long r = ret(op[1] == 's' ? getsockname(fd, (struct sockaddr *)&a, &len) : getpeername(fd, (struct sockaddr *)&a, &len));
    o += sprintf(o, "%ld", r);
    if (r >= 0) { *o++ = ' '; showany(o, &a, len); }
  } else if (!strcmp(op, "recv") && argc == 4) {
    long n = num(argv[2]);
    if (n < 0 || n > BUFSZ) n = BUFSZ;
    long r = ret(recv((int)num(argv[1]), buf, (size_t)n, (int)num(argv[3])));
    o += sprintf(o, "%ld", r);
    if (r > 0) o += sprintf(o, " h=%08x", fnv(buf, r));
  } else if (!strcmp(op, "sockt") && argc == 2) {
    sprintf(o, "%ld", ret(socket(AF_UNIX, (int)num(argv[1]), 0)));
  } else if (!strcmp(op, "spt") && argc == 2) {
    int sv[2] = {-1, -1};
    long r = ret(socketpair(AF_UNIX, (int)num(argv[1]), 0, sv));
    if (r == 0) sprintf(o, "0 %d %d", sv[0], sv[1]);
    else sprintf(o, "%ld", r);
  } else if (!strcmp(op, "sendto") && argc == 5) {
    long n = num(argv[2]);
    if (n < 0 || n > BUFSZ) n = BUFSZ;
    memset(buf, 0x5a, (size_t)n);
    struct sockaddr_storage a;
    socklen_t len = mkany(&a, argv[4], 0);
    int noaddr = !strcmp(argv[4], "-");
    sprintf(o, "%ld", ret(sendto((int)num(argv[1]), buf, (size_t)n, (int)num(argv[3]), noaddr ? NULL : (struct sockaddr *)&a, noaddr ? 0 : len)));
  } else if (!strcmp(op, "recvfrom") && argc == 4) {
    long n = num(argv[2]);
    if (n < 0 || n > BUFSZ) n = BUFSZ;
    struct sockaddr_storage a;
    memset(&a, 0, sizeof a);
    socklen_t len = sizeof a;
    long r = ret(recvfrom((int)num(argv[1]), buf, (size_t)n, (int)num(argv[3]), (struct sockaddr *)&a, &len));
    o += sprintf(o, "%ld", r);
    if (r >= 0) {
      if (r > 0) o += sprintf(o, " h=%08x", fnv(buf, r < n ? r : n));
      *o++ = ' ';
      if (len == 0) strcpy(o, "-");
      else showany(o, &a, len);
    }
  } else if (!strcmp(op, "sendfd") && argc == 4) {
    long n = num(argv[2]);
    if (n < 0 || n > BUFSZ) n = BUFSZ;
    memset(buf, 0x5a, (size_t)n);
    int pass = (int)num(argv[3]);
    struct iovec io = { buf, (size_t)n };
    char cb[CMSG_SPACE(sizeof(int))];
    memset(cb, 0, sizeof cb);
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    m.msg_control = cb;
    m.msg_controllen = sizeof cb;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pass, sizeof(int));
    sprintf(o, "%ld", ret(sendmsg((int)num(argv[1]), &m, 0)));
  } else if (!strcmp(op, "recvfd") && argc == 4) {
    long n = num(argv[2]);
    if (n < 0 || n > BUFSZ) n = BUFSZ;
    struct iovec io = { buf, (size_t)n };
    char cb[CMSG_SPACE(sizeof(int) * 16)];
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    m.msg_control = cb;
    m.msg_controllen = sizeof cb;
    long r = ret(recvmsg((int)num(argv[1]), &m, (int)num(argv[3])));
    o += sprintf(o, "%ld", r);
    if (r >= 0) {
      o += sprintf(o, " fds=");
      int first = 1;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k; i++) {
          int fd;
          memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
          o += sprintf(o, first ? "%d" : ",%d", fd);
          first = 0;
        }
      }
      sprintf(o, " flags=0x%x", (unsigned)(m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)));
    }
  } else if (!strcmp(op, "sigact") && argc == 3) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    int mode = (int)num(argv[2]);
    sa.sa_handler = mode == 0 ? SIG_DFL : mode == 1 ? SIG_IGN : count_hit;
    sa.sa_flags = mode == 3 ? SA_RESTART : 0;
    sprintf(o, "%ld", ret(sigaction((int)num(argv[1]), &sa, NULL)));
  } else if (!strcmp(op, "kill") && argc == 2) {
    sprintf(o, "%ld", ret(kill(getpid(), (int)num(argv[1]))));
  } else if (!strcmp(op, "tkill") && argc == 2) {
    sprintf(o, "%ld", ret(syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), (int)num(argv[1]))));
  } else if (!strcmp(op, "mask") && argc == 3) {
    uint64_t set = unum(argv[2]), old = 0;
    long r = ret(syscall(SYS_rt_sigprocmask, (int)num(argv[1]), &set, &old, 8));
    if (r < 0) sprintf(o, "%ld", r);
    else sprintf(o, "0 0x%llx", (unsigned long long)old);
  } else if (!strcmp(op, "pend") && argc == 1) {
    uint64_t set = 0;
    long r = ret(syscall(SYS_rt_sigpending, &set, 8));
    if (r < 0) sprintf(o, "%ld", r);
    else sprintf(o, "0 0x%llx", (unsigned long long)set);
  } else if (!strcmp(op, "hits") && argc == 1) {
    int any = 0;
    for (int i = 1; i < 65; i++) {
      if (!hits[i]) continue;
      o += sprintf(o, any ? ",%d:%d" : "%d:%d", i, (int)hits[i]);
      any = 1;
      hits[i] = 0;
    }
    if (!any) strcpy(o, "-");
  } else if (!strcmp(op, "sfd") && argc == 4) {
    uint64_t mask = unum(argv[2]);
    sprintf(o, "%ld", ret(syscall(SYS_signalfd4, (int)num(argv[1]), &mask, 8, (int)num(argv[3]))));
  } else if (!strcmp(op, "isock") && argc == 3) {
    sprintf(o, "%ld", ret(socket((int)num(argv[1]), (int)num(argv[2]), 0)));
  } else if (!strcmp(op, "sopt") && argc == 5) {
    int v = (int)num(argv[4]);
    sprintf(o, "%ld", ret(setsockopt((int)num(argv[1]), (int)num(argv[2]), (int)num(argv[3]), &v, sizeof v)));
  } else if (!strcmp(op, "gopt") && argc == 4) {
    int v = 0;
    socklen_t vl = sizeof v;
    long r = ret(getsockopt((int)num(argv[1]), (int)num(argv[2]), (int)num(argv[3]), &v, &vl));
    if (r < 0) sprintf(o, "%ld", r);
    else sprintf(o, "0 %d", v);
  } else if (!strcmp(op, "inq") && argc == 2) {
    int v = -1;
    long r = ret(ioctl((int)num(argv[1]), FIONREAD, &v));
    if (r < 0) sprintf(o, "%ld", r);
    else sprintf(o, "0 %d", v);
  } else {
    sprintf(o, "?bad-op");
  }
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  sprintf(prefix, "ewo%010d.%010d.", (int)getpid(), 0);
  /* Slurp all of stdin first: no stdio stream stays half-read while fds change. */
  size_t cap = 1 << 20, len = 0;
  char *in = malloc(cap);
  for (;;) {
    if (len + 65536 > cap) in = realloc(in, cap *= 2);
    ssize_t r = read(0, in + len, cap - len - 1);
    if (r <= 0) break;
    len += (size_t)r;
  }
  in[len] = 0;
  int started = 0;
  char *save = NULL;
  for (char *line = strtok_r(in, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (!started) { close_all(); reset_signals(); started = 1; }
    if (!strcmp(line, "---")) {
      fputs("---\n", stdout);
      close_all();
      reset_signals();
      sprintf(prefix, "ewo%010d.%010d.", (int)getpid(), ++program_no);
      slot_port[0] = slot_port[1] = 0;
      continue;
    }
    char *argv[24];
    int argc = 0;
    char *s2 = NULL;
    for (char *w = strtok_r(line, " \t", &s2); w && argc < 24; w = strtok_r(NULL, " \t", &s2)) argv[argc++] = w;
    if (argc == 0) continue;
    run_op(argc, argv);
    fputs(out, stdout);
    fputc('\n', stdout);
  }
  fflush(stdout);
  return 0;
}
