/*
 * echo_server.c - an edge-triggered (EPOLLET) echo server, all in ONE thread.
 *
 * Phase "unix": 3 AF_UNIX socketpairs; one end is the server, the other the client.
 * Phase "tcp":  a non-blocking listener on 127.0.0.1 port 0 (getsockname finds the
 *               port), 3 non-blocking clients whose connect may say EINPROGRESS (they
 *               then wait for EPOLLOUT), and accept4(SOCK_NONBLOCK) until EAGAIN.
 *
 * Every socket, server and client side alike, sits in one epoll set with EPOLLET, so
 * each ready socket is read until EAGAIN (the edge-triggered rule: no new edge comes
 * for bytes that were already there). Each client sends 4 messages of different
 * lengths, one at a time, checks the echo byte for byte, then shuts down its write
 * side; the server closes on EOF, and the client finishes when it sees that EOF.
 *
 * Prints, per phase, the connections, messages and bytes echoed, then "ok". Event
 * counts are never printed: how edges coalesce depends on timing.
 */
#define _GNU_SOURCE /* accept4 (and POSIX names under -std=c11) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define NCLI 3
#define NMSG 4
#define MAXLEN 2048
static const int base_len[NMSG] = {1, 40, 333, 1500};

enum { TAG_LISTEN = 1, TAG_SERVER = 2, TAG_CLIENT = 3 };
enum { CONNECTING, RUNNING, SHUT };

struct client {
  int fd, state, msg, got, len;
  char want[MAXLEN], buf[MAXLEN];
};

static struct client cli[NCLI];
static int srv[NCLI], nsrv, ep, lfd = -1;
static int closed_conns, clients_done, msgs_ok;
static long bytes_echoed;

static void die(const char *what) {
  fprintf(stderr, "echo_server: %s: %s\n", what, strerror(errno));
  exit(1);
}
static void fail(const char *what) {
  fprintf(stderr, "echo_server: %s\n", what);
  exit(1);
}

static void add(int fd, int tag, int idx, unsigned events) {
  struct epoll_event ev = {.events = events, .data.u64 = ((unsigned long long)tag << 32) | (unsigned)idx};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl ADD");
}

/* Send the client's next message; lengths differ per client and per message. */
static void send_msg(int i) {
  struct client *c = &cli[i];
  c->len = base_len[c->msg] + 7 * i;
  for (int k = 0; k < c->len; k++) c->want[k] = (char)('a' + (i * 7 + c->msg * 3 + k) % 26);
  c->got = 0;
  /* Messages are far smaller than any socket buffer, so one send takes it all. */
  ssize_t n = send(c->fd, c->want, c->len, 0);
  if (n != c->len) die("client send");
}

static void client_event(int i, unsigned events) {
  struct client *c = &cli[i];
  if (events & EPOLLERR) fail("client socket error");
  if (c->state == CONNECTING) {
    if (!(events & EPOLLOUT)) return;
    if (events & EPOLLHUP) fail("connect failed");
    c->state = RUNNING; /* writable after EINPROGRESS: the handshake completed */
    send_msg(i);
    return;
  }
  for (;;) { /* ET: read until EAGAIN */
    ssize_t n = recv(c->fd, c->buf + c->got, MAXLEN - c->got, 0);
    if (n < 0) {
      if (errno == EAGAIN) break;
      die("client recv");
    }
    if (n == 0) { /* server closed after our shutdown: this client is finished */
      if (c->state != SHUT || c->got != 0) fail("unexpected EOF at client");
      clients_done++;
      return;
    }
    c->got += (int)n;
    if (c->state != RUNNING || c->got > c->len) fail("echo longer than the message");
    if (c->got == c->len) {
      if (memcmp(c->buf, c->want, c->len) != 0) fail("echo differs from message");
      msgs_ok++;
      if (++c->msg < NMSG) {
        send_msg(i);
      } else {
        if (shutdown(c->fd, SHUT_WR) < 0) die("shutdown");
        c->state = SHUT;
        c->got = 0;
      }
    }
  }
}

static void server_event(int i, unsigned events) {
  char buf[4096];
  if (events & EPOLLERR) fail("server socket error");
  for (;;) { /* ET: read until EAGAIN (or EOF) */
    ssize_t n = recv(srv[i], buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EAGAIN) return;
      die("server recv");
    }
    if (n == 0) { /* peer shut down its write side: close, which also leaves the set */
      if (close(srv[i]) < 0) die("close server side");
      srv[i] = -1;
      closed_conns++;
      return;
    }
    if (send(srv[i], buf, n, 0) != n) die("server send");
    bytes_echoed += n;
  }
}

static void accept_all(void) {
  for (;;) { /* ET on the listener too: accept until EAGAIN */
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EAGAIN) return;
      die("accept4");
    }
    if (nsrv == NCLI) fail("too many connections");
    srv[nsrv] = fd;
    add(fd, TAG_SERVER, nsrv, EPOLLIN | EPOLLET);
    nsrv++;
  }
}

static void run(const char *name) {
  struct epoll_event evs[16];
  while (clients_done < NCLI) {
    /* Nothing here may legitimately stall for 2 s; a timeout means a lost wakeup. */
    int n = epoll_wait(ep, evs, 16, 2000);
    if (n < 0) die("epoll_wait");
    if (n == 0) fail("stalled: epoll_wait timed out");
    for (int k = 0; k < n; k++) {
      int tag = (int)(evs[k].data.u64 >> 32), idx = (int)(evs[k].data.u64 & 0xffffffffu);
      if (tag == TAG_LISTEN) accept_all();
      else if (tag == TAG_SERVER) server_event(idx, evs[k].events);
      else client_event(idx, evs[k].events);
    }
  }
  if (closed_conns != NCLI || msgs_ok != NCLI * NMSG) fail("totals do not add up");
  printf("%s: %d connections, %d messages, %ld bytes echoed\n", name, closed_conns, msgs_ok,
         bytes_echoed);
  for (int i = 0; i < NCLI; i++)
    if (close(cli[i].fd) < 0) die("close client");
  if (close(ep) < 0) die("close epoll");
  puts("ok");
}

static void reset(void) {
  memset(cli, 0, sizeof cli);
  nsrv = closed_conns = clients_done = msgs_ok = 0;
  bytes_echoed = 0;
  ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
}

int main(int argc, char **argv) {
  (void)argc, (void)argv;

  /* Phase 1: socketpairs are connected from birth, so clients start sending at once. */
  reset();
  for (int i = 0; i < NCLI; i++) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0) die("socketpair");
    srv[i] = sv[0];
    cli[i].fd = sv[1];
    cli[i].state = RUNNING;
    add(srv[i], TAG_SERVER, i, EPOLLIN | EPOLLET);
    add(cli[i].fd, TAG_CLIENT, i, EPOLLIN | EPOLLET);
  }
  nsrv = NCLI;
  for (int i = 0; i < NCLI; i++) send_msg(i);
  run("unix");

  /* Phase 2: TCP over loopback. */
  reset();
  lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (lfd < 0) die("socket");
  int one = 1;
  if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) die("setsockopt");
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(0); /* let the kernel pick a free port */
  if (inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr) != 1) fail("inet_pton");
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  socklen_t alen = sizeof addr;
  if (getsockname(lfd, (struct sockaddr *)&addr, &alen) < 0) die("getsockname");
  if (addr.sin_port == 0) fail("no port assigned");
  if (listen(lfd, 8) < 0) die("listen");
  add(lfd, TAG_LISTEN, 0, EPOLLIN | EPOLLET);

  for (int i = 0; i < NCLI; i++) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("client socket");
    cli[i].fd = fd;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
      cli[i].state = RUNNING;
    } else if (errno == EINPROGRESS) {
      cli[i].state = CONNECTING;
    } else {
      die("connect");
    }
    /* Registered only after connect(): an unconnected TCP socket polls as HUP|OUT. */
    add(fd, TAG_CLIENT, i, EPOLLIN | EPOLLOUT | EPOLLET);
    if (cli[i].state == RUNNING) send_msg(i);
  }
  run("tcp");
  if (nsrv != NCLI) fail("accepted count");
  if (close(lfd) < 0) die("close listener");
  return 0;
}
