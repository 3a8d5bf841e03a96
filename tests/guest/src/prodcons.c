/*
 * prodcons.c - threaded producers and consumers over one eventfd, with EPOLLEXCLUSIVE.
 *
 * One non-blocking eventfd (counter mode). 2 producer threads each write(efd, 1) N
 * times (arg 1, default 200), yielding now and then. 3 consumer threads each own an
 * epoll set holding the same eventfd with EPOLLIN|EPOLLEXCLUSIVE, so a write wakes
 * one waiting consumer instead of all three (no thundering herd). A consumer reads
 * the counter after each wakeup; EAGAIN is fine (another consumer emptied it first).
 * Each set also holds a "stop" eventfd (plain EPOLLIN, level-triggered): the consumer
 * whose read brings the global total to 2*N writes it, which wakes everyone to exit.
 *
 * Prints the grand total consumed (always 2*N), that the eventfd is then empty
 * (EAGAIN), and "ok". Per-thread counts depend on scheduling and are never printed.
 */
#define _GNU_SOURCE /* POSIX and Linux names under -std=c11 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define NPROD 2
#define NCONS 3

static int efd, stopfd, N;
static long long total; /* guarded by mu */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

struct consumer {
  pthread_t th;
  int ep;
  long long mine;
};

static const char *ename(int e) {
  switch (e) {
  case EAGAIN: return "EAGAIN";
  case EINTR: return "EINTR";
  default: return "E?";
  }
}

static void die(const char *what) {
  fprintf(stderr, "prodcons: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void *producer(void *arg) {
  (void)arg;
  uint64_t one = 1;
  for (int i = 0; i < N; i++) {
    if (write(efd, &one, sizeof one) != sizeof one) die("producer write");
    if (i % 16 == 15) sched_yield(); /* let consumers run mid-stream */
  }
  return NULL;
}

static void *consumer(void *arg) {
  struct consumer *c = arg;
  struct epoll_event evs[4];
  for (int stop = 0; !stop;) {
    int n = epoll_wait(c->ep, evs, 4, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("consumer epoll_wait");
    }
    for (int k = 0; k < n; k++) {
      if (evs[k].data.u32 == 1) { /* the stop eventfd: never read, so it stays ready */
        stop = 1;
        continue;
      }
      uint64_t v;
      if (read(efd, &v, sizeof v) != sizeof v) {
        if (errno == EAGAIN) continue; /* lost the race to another consumer: fine */
        die("consumer read");
      }
      c->mine += (long long)v;
      if (pthread_mutex_lock(&mu)) die("lock");
      total += (long long)v;
      if (total == 2LL * N) { /* every write has been consumed: tell all to stop */
        uint64_t one = 1;
        if (write(stopfd, &one, sizeof one) != sizeof one) die("write stop");
      }
      if (pthread_mutex_unlock(&mu)) die("unlock");
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  N = argc > 1 ? atoi(argv[1]) : 200;
  if (N <= 0) N = 200;
  efd = eventfd(0, EFD_NONBLOCK);
  stopfd = eventfd(0, EFD_NONBLOCK);
  if (efd < 0 || stopfd < 0) die("eventfd");

  struct consumer cons[NCONS];
  memset(cons, 0, sizeof cons);
  for (int i = 0; i < NCONS; i++) {
    /* Separate epoll sets: EPOLLEXCLUSIVE picks among the sets waiting on the file. */
    cons[i].ep = epoll_create1(0);
    if (cons[i].ep < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.u32 = 0};
    if (epoll_ctl(cons[i].ep, EPOLL_CTL_ADD, efd, &ev) < 0) die("epoll_ctl efd");
    struct epoll_event sev = {.events = EPOLLIN, .data.u32 = 1};
    if (epoll_ctl(cons[i].ep, EPOLL_CTL_ADD, stopfd, &sev) < 0) die("epoll_ctl stopfd");
  }
  for (int i = 0; i < NCONS; i++)
    if (pthread_create(&cons[i].th, NULL, consumer, &cons[i])) {
      fprintf(stderr, "prodcons: pthread_create failed\n");
      return 1;
    }
  pthread_t prod[NPROD];
  for (int i = 0; i < NPROD; i++)
    if (pthread_create(&prod[i], NULL, producer, NULL)) {
      fprintf(stderr, "prodcons: pthread_create failed\n");
      return 1;
    }
  for (int i = 0; i < NPROD; i++)
    if (pthread_join(prod[i], NULL)) die("join producer");
  long long sum = 0;
  for (int i = 0; i < NCONS; i++) {
    if (pthread_join(cons[i].th, NULL)) die("join consumer");
    sum += cons[i].mine;
    if (close(cons[i].ep) < 0) die("close epoll");
  }
  if (sum != total || total != 2LL * N) {
    fprintf(stderr, "prodcons: consumed %lld (threads %lld), expected %d\n", total, sum, 2 * N);
    return 1;
  }
  printf("producers %d x %d writes, consumers %d\n", NPROD, N, NCONS);
  printf("consumed %lld\n", total);

  uint64_t v;
  if (read(efd, &v, sizeof v) != -1) {
    fprintf(stderr, "prodcons: eventfd not empty at the end\n");
    return 1;
  }
  if (errno != EAGAIN) die("final read");
  printf("eventfd empty: %s\n", ename(errno));
  if (close(efd) < 0 || close(stopfd) < 0) die("close");
  puts("ok");
  return 0;
}
