/* epoll-wasm guest runtime: the kernel's clocks (virtual or real, as the kernel was made)
 * and sleeps. wasi-libc's clockid_t values are pointers; ew_clock_id maps them, and small
 * integers, to Linux's clock ids. */
#include <time.h>
#include "ew.h"

EW_IMPORT(clock_gettime) int ew_clock_gettime(int clk, struct timespec *ts);
EW_IMPORT(clock_nanosleep) int ew_clock_nanosleep(int clk, int flags, const struct timespec *req, struct timespec *rem);

int ew_clock_id(const void *clk) {
  if (clk == (const void *)CLOCK_REALTIME) return 0;
  if (clk == (const void *)CLOCK_MONOTONIC) return 1;
  if (clk == (const void *)CLOCK_PROCESS_CPUTIME_ID) return 2;
  if (clk == (const void *)CLOCK_THREAD_CPUTIME_ID) return 3;
  uintptr_t n = (uintptr_t)clk;
  return n < 12 ? (int)n : -1;
}

int clock_gettime(clockid_t clk, struct timespec *ts) {
  int id = ew_clock_id(clk);
  return (int)ew_ret(id < 0 ? -EINVAL : ew_clock_gettime(id, ts));
}

int clock_getres(clockid_t clk, struct timespec *res) {
  if (ew_clock_id(clk) < 0) return (int)ew_ret(-EINVAL);
  if (res) res->tv_sec = 0, res->tv_nsec = 1;
  return 0;
}

/* clock_nanosleep returns the error number itself; nanosleep sets errno. */
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem) {
  int id = ew_clock_id(clk);
  if (id < 0) return EINVAL;
  int r = ew_clock_nanosleep(id, flags, req, rem);
  return r < 0 ? -r : 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
  return (int)ew_ret(ew_clock_nanosleep(1, 0, req, rem));
}
