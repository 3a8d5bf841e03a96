/*
 * pipetest.c - the shape of the 2002 "pipetest" from the epoll announcement.
 *
 * N pipes (arg 1, default 100) form a ring; every read end sits in one epoll set,
 * level-triggered. One token byte goes into pipe 0. Each step epoll_waits, reads the
 * token from the single ready pipe i and writes it into pipe (i+1)%N, for M hops
 * (arg 2, default 1000). With one token in flight exactly one pipe is ever ready,
 * so each wait returns exactly 1 event and the counts are fixed by construction.
 * The token byte is incremented on every hop as a checksum.
 *
 * Prints N, M, the number of epoll_wait calls and events, where the token ended and
 * its value, then "ok". With arg 3 "time", ns per hop go to stderr (never stdout).
 */
#define _GNU_SOURCE /* pipe2 (and POSIX names under -std=c11) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "pipetest: %s: %s\n", what, strerror(errno));
  exit(1);
}

static long long now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) die("clock_gettime");
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100;
  int m = argc > 2 ? atoi(argv[2]) : 1000;
  int timing = argc > 3 && strcmp(argv[3], "time") == 0;
  if (n < 1 || n > 400 || m < 0) {
    fprintf(stderr, "usage: pipetest [pipes 1..400] [hops] [time]\n");
    return 2;
  }
  int (*p)[2] = malloc(sizeof(int[2]) * n);
  if (!p) die("malloc");
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  for (int i = 0; i < n; i++) {
    /* Non-blocking so that a wrong readiness report shows up as EAGAIN, not a hang. */
    if (pipe2(p[i], O_NONBLOCK) < 0) die("pipe2");
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, p[i][0], &ev) < 0) die("epoll_ctl");
  }

  unsigned char tok = 0;
  if (write(p[0][1], &tok, 1) != 1) die("write token");
  long waits = 0, events = 0;
  int at = 0;
  long long t0 = now_ns();
  for (int hop = 0; hop < m; hop++) {
    struct epoll_event evs[8];
    int r = epoll_wait(ep, evs, 8, 1000);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    waits++;
    events += r;
    if (r != 1) {
      fprintf(stderr, "pipetest: wait %ld returned %d events, expected 1\n", waits, r);
      return 1;
    }
    int i = (int)evs[0].data.u32;
    if (i != at) {
      fprintf(stderr, "pipetest: pipe %d ready, token was in %d\n", i, at);
      return 1;
    }
    if (read(p[i][0], &tok, 1) != 1) die("read token");
    tok++;
    at = (i + 1) % n;
    if (write(p[at][1], &tok, 1) != 1) die("write token");
  }
  long long dt = now_ns() - t0;

  printf("pipes %d hops %d\n", n, m);
  printf("epoll_wait calls %ld events %ld\n", waits, events);
  printf("token in pipe %d value %u\n", at, (unsigned)tok);
  if (timing && m > 0) fprintf(stderr, "pipetest: %lld ns per hop\n", dt / m);
  for (int i = 0; i < n; i++)
    if (close(p[i][0]) < 0 || close(p[i][1]) < 0) die("close");
  if (close(ep) < 0) die("close epoll");
  free(p);
  puts("ok");
  return 0;
}
