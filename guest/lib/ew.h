/* epoll-wasm guest runtime: the import module "epoll_wasm", whose functions mirror Linux's
 * syscalls: numbers and pointers into this instance's memory in, a result or -errno out
 * (-EFAULT for a pointer outside memory). The host is src/guest/ in the package.
 *
 * Invariant: errno is set only after an import returns. A call that blocks switches to
 * other threads inside the import, and the host saves and restores errno (with the stack
 * pointer) at every switch, so each thread sees its own. */
#ifndef EW_H
#define EW_H
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define EW_IMPORT(name) __attribute__((import_module("epoll_wasm"), import_name(#name)))
#define EW_EXPORT(name) __attribute__((export_name(#name)))

/* A syscall's return as C sees it: -1 with errno set, or the value. */
static inline long ew_ret(long r) {
  if (r < 0) {
    errno = (int)-r;
    return -1;
  }
  return r;
}

/* Thread bookkeeping shared by thread.c and signal.c. */
struct ew_thread {
  void *(*fn)(void *);
  void *arg;
  void *ret;
  void *stack;
  void *abuf;
  int tid;
  int detached;
  volatile int done; /* set by the host when the thread has ended */
  struct ew_thread *next_dead;
  void *keys[64];
};
struct ew_thread *ew_self(void);

/* The futex the host keeps per address: wait while *addr == val (abstime: CLOCK_MONOTONIC
 * deadline or NULL), wake up to n waiters. */
int ew_futex_wait(volatile int *addr, int val, const void *abstime);
int ew_futex_wake(volatile int *addr, int n);

/* Linux clock ids for wasi-libc's clockid_t values (which are pointers). */
int ew_clock_id(const void *clk);
#endif
