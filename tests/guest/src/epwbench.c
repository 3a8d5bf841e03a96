/*
 * epwbench.c - the shape of the 2007 "epwbench" from the ep_send_events rework.
 *
 * N pipes (arg 1, default 200) are all registered; K of them (arg 2, default 50),
 * spread evenly, hold one byte each. Then R rounds (arg 3, default 20): epoll_wait
 * with maxevents 64 until all K ready pipes have been harvested.
 *   LT pass:  each harvested pipe's byte is read (so the next wait of the same round
 *             returns only pipes not yet harvested); at the end of the round every
 *             byte is written back, so the pipes are ready again next round.
 *   ET pass:  a fresh epoll set with EPOLLET; each harvested pipe is drained until
 *             EAGAIN; writing the bytes back at the end of the round makes new edges.
 * Nothing changes concurrently, so events = K*R and waits = ceil(K/64)*R per pass.
 *
 * Prints per mode the total events harvested and waits, then "ok". With arg 4
 * "time", ns per round go to stderr (never stdout).
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

#define MAXEV 64

static int n, k, r;
static int (*p)[2];
static int *ready;     /* ready[j]: index of the j-th pipe made readable */
static char *harvested; /* per pipe, this round */

static void die(const char *what) {
  fprintf(stderr, "epwbench: %s: %s\n", what, strerror(errno));
  exit(1);
}
static void fail(const char *what) {
  fprintf(stderr, "epwbench: %s\n", what);
  exit(1);
}

static long long now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) die("clock_gettime");
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pass(const char *name, unsigned mode, int timing) {
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  for (int i = 0; i < n; i++) {
    struct epoll_event ev = {.events = EPOLLIN | mode, .data.u32 = (unsigned)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, p[i][0], &ev) < 0) die("epoll_ctl");
  }
  long events = 0, waits = 0;
  long long t0 = now_ns();
  for (int round = 0; round < r; round++) {
    memset(harvested, 0, n);
    for (int got = 0; got < k;) {
      struct epoll_event evs[MAXEV];
      int m = epoll_wait(ep, evs, MAXEV, 1000);
      if (m < 0) die("epoll_wait");
      if (m == 0) fail("stalled: ready pipes not reported");
      waits++;
      events += m;
      for (int e = 0; e < m; e++) {
        int i = (int)evs[e].data.u32;
        if (harvested[i]) fail("pipe reported twice in one round");
        harvested[i] = 1;
        got++;
        char c;
        if (read(p[i][0], &c, 1) != 1) die("read");
        /* ET rule: keep reading until EAGAIN; LT reads only the byte it knows about. */
        if (mode & EPOLLET) {
          if (read(p[i][0], &c, 1) != -1) fail("more than one byte in a pipe");
          if (errno != EAGAIN) die("drain");
        }
      }
    }
    for (int j = 0; j < k; j++) /* put the bytes back: ready (and a new edge) again */
      if (write(p[ready[j]][1], "x", 1) != 1) die("write back");
  }
  long long dt = now_ns() - t0;
  printf("%s: rounds %d events %ld waits %ld\n", name, r, events, waits);
  if (timing && r > 0) fprintf(stderr, "epwbench: %s %lld ns per round\n", name, dt / r);
  if (close(ep) < 0) die("close epoll");
}

int main(int argc, char **argv) {
  n = argc > 1 ? atoi(argv[1]) : 200;
  k = argc > 2 ? atoi(argv[2]) : 50;
  r = argc > 3 ? atoi(argv[3]) : 20;
  int timing = argc > 4 && strcmp(argv[4], "time") == 0;
  if (n < 1 || n > 400 || k < 1 || k > n || r < 0) {
    fprintf(stderr, "usage: epwbench [pipes 1..400] [ready 1..pipes] [rounds] [time]\n");
    return 2;
  }
  p = malloc(sizeof(int[2]) * n);
  ready = malloc(sizeof(int) * k);
  harvested = malloc(n);
  if (!p || !ready || !harvested) die("malloc");
  for (int i = 0; i < n; i++)
    if (pipe2(p[i], O_NONBLOCK) < 0) die("pipe2");
  for (int j = 0; j < k; j++) {
    ready[j] = (int)((long)j * n / k); /* distinct, spread over the whole set */
    if (write(p[ready[j]][1], "x", 1) != 1) die("write");
  }
  printf("pipes %d ready %d maxevents %d\n", n, k, MAXEV);
  pass("LT", 0, timing);
  pass("ET", EPOLLET, timing);
  for (int i = 0; i < n; i++)
    if (close(p[i][0]) < 0 || close(p[i][1]) < 0) die("close");
  free(p);
  free(ready);
  free(harvested);
  puts("ok");
  return 0;
}
