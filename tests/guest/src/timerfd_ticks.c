/*
 * timerfd_ticks.c - timerfd (CLOCK_MONOTONIC, TFD_NONBLOCK) driven from epoll.
 *
 * 1. Five ticks of a 10 ms ONE-SHOT timer, re-armed after each read. A periodic timer
 *    would be simpler, but how many expirations pile up between two reads depends on
 *    scheduling; a one-shot read always yields exactly 1, so "tick 1".."tick 5" is
 *    deterministic. Checks that at least 50 ms passed.
 * 2. A periodic 10 ms timer: timerfd_gettime reports the interval exactly; after a
 *    35 ms nanosleep at least 3 expirations are counted (the exact count is timing).
 * 3. timerfd_gettime on a disarmed timer: value 0 0, interval 0 0.
 * 4. An absolute timer (TFD_TIMER_ABSTIME) 20 ms ahead of clock_gettime: fires once,
 *    never early; a second read of the non-blocking timerfd gives EAGAIN.
 *
 * Prints those facts; never a time value that depends on the machine.
 */
#define _GNU_SOURCE /* POSIX and Linux names under -std=c11 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL

static const char *ename(int e) {
  switch (e) {
  case EAGAIN: return "EAGAIN";
  case EINTR: return "EINTR";
  default: return "E?";
  }
}

static void die(const char *what) {
  fprintf(stderr, "timerfd_ticks: %s: %s\n", what, strerror(errno));
  exit(1);
}
static void fail(const char *what) {
  fprintf(stderr, "timerfd_ticks: %s\n", what);
  exit(1);
}

static long long now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) die("clock_gettime");
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec ts_of(long long ns) {
  struct timespec ts = {.tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL};
  return ts;
}

static void arm(int tfd, int flags, long long value_ns, long long interval_ns) {
  struct itimerspec its = {.it_interval = ts_of(interval_ns), .it_value = ts_of(value_ns)};
  if (timerfd_settime(tfd, flags, &its, NULL) < 0) die("timerfd_settime");
}

/* Block in epoll until the timer is readable, then read its expiration count. */
static uint64_t wait_and_read(int ep, int tfd) {
  struct epoll_event ev;
  int n;
  do n = epoll_wait(ep, &ev, 1, -1);
  while (n < 0 && errno == EINTR);
  if (n != 1) die("epoll_wait");
  if (!(ev.events & EPOLLIN)) fail("timer event without EPOLLIN");
  uint64_t exp;
  if (read(tfd, &exp, sizeof exp) != sizeof exp) die("read timerfd");
  return exp;
}

int main(int argc, char **argv) {
  (void)argc, (void)argv;
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  if (tfd < 0) die("timerfd_create");
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = tfd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) < 0) die("epoll_ctl");

  /* 1. one-shot ticks */
  long long t0 = now_ns();
  for (int tick = 1; tick <= 5; tick++) {
    arm(tfd, 0, 10 * MS, 0);
    uint64_t exp = wait_and_read(ep, tfd);
    if (exp != 1) fail("one-shot read did not return 1");
    printf("tick %d\n", tick);
  }
  if (now_ns() - t0 < 50 * MS) fail("five 10 ms ticks took under 50 ms");
  puts("5 ticks took at least 50 ms: yes");

  /* 2. periodic timer */
  arm(tfd, 0, 10 * MS, 10 * MS);
  struct itimerspec cur;
  if (timerfd_gettime(tfd, &cur) < 0) die("timerfd_gettime");
  long long left = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
  if (left <= 0 || left > 10 * MS) fail("armed timer: value out of range");
  printf("armed: interval %lld %ld, value in (0, 10 ms]: yes\n", (long long)cur.it_interval.tv_sec,
         cur.it_interval.tv_nsec);
  struct timespec nap = ts_of(35 * MS);
  while (nanosleep(&nap, &nap) < 0)
    if (errno != EINTR) die("nanosleep");
  uint64_t exp = wait_and_read(ep, tfd);
  if (exp < 3) fail("periodic timer: fewer than 3 expirations in 35 ms");
  puts("periodic: at least 3 expirations after 35 ms: yes");

  /* 3. disarm (all-zero it_value), then ask */
  arm(tfd, 0, 0, 0);
  if (timerfd_gettime(tfd, &cur) < 0) die("timerfd_gettime");
  printf("disarmed: value %lld %ld interval %lld %ld\n", (long long)cur.it_value.tv_sec,
         cur.it_value.tv_nsec, (long long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
  struct epoll_event dummy;
  int n = epoll_wait(ep, &dummy, 1, 0);
  if (n < 0) die("epoll_wait");
  printf("disarmed: ready events %d\n", n); /* disarming also discards pending expirations */

  /* 4. absolute deadline */
  long long deadline = now_ns() + 20 * MS;
  arm(tfd, TFD_TIMER_ABSTIME, deadline, 0);
  exp = wait_and_read(ep, tfd);
  if (now_ns() < deadline) fail("absolute timer fired early");
  printf("absolute: fired with %llu expiration, not early: yes\n", (unsigned long long)exp);
  if (read(tfd, &exp, sizeof exp) != -1) fail("second read succeeded");
  if (errno != EAGAIN) die("second read");
  printf("second read: %s\n", ename(errno));

  if (close(ep) < 0 || close(tfd) < 0) die("close");
  puts("ok");
  return 0;
}
