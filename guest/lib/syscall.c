/* epoll-wasm guest runtime: syscall(2) for the numbers in <sys/syscall.h>; others ENOSYS.
 * Arguments are taken as longs (wasm32: pointers and ints are 32 bits). */
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include "ew.h"

EW_IMPORT(close_range) int ew_close_range(unsigned first, unsigned last, unsigned flags);
EW_IMPORT(rt_sigprocmask) int ew_rt_sigprocmask(int how, const sigset_t *set, sigset_t *old);
EW_IMPORT(rt_sigpending) int ew_rt_sigpending(sigset_t *set);
EW_IMPORT(signalfd4) int ew_signalfd4(int fd, const sigset_t *mask, size_t size, int flags);
EW_IMPORT(tgkill) int ew_tgkill(int tgid, int tid, int sig);
EW_IMPORT(kill) int ew_kill(int pid, int sig);

long syscall(long n, ...) {
  va_list ap;
  long a[6];
  va_start(ap, n);
  for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
  va_end(ap);
  void *p1 = (void *)a[1], *p2 = (void *)a[2];
  switch (n) {
  case SYS_read: return read((int)a[0], p1, (size_t)a[2]);
  case SYS_write: return write((int)a[0], p1, (size_t)a[2]);
  case SYS_close: return close((int)a[0]);
  case SYS_poll: return poll((struct pollfd *)a[0], (nfds_t)a[1], (int)a[2]);
  case SYS_rt_sigprocmask: return a[3] != 8 ? ew_ret(-EINVAL) : ew_ret(ew_rt_sigprocmask((int)a[0], p1, p2));
  case SYS_rt_sigpending: return a[1] > 8 ? ew_ret(-EINVAL) : ew_ret(ew_rt_sigpending((sigset_t *)a[0]));
  case SYS_ioctl: return ioctl((int)a[0], (int)a[1], p2);
  case SYS_pipe: return pipe((int *)a[0]);
  case SYS_pipe2: return pipe2((int *)a[0], (int)a[1]);
  case SYS_sched_yield: return sched_yield();
  case SYS_dup: return dup((int)a[0]);
  case SYS_dup2: return dup2((int)a[0], (int)a[1]);
  case SYS_dup3: return dup3((int)a[0], (int)a[1], (int)a[2]);
  case SYS_getpid: return getpid();
  case SYS_gettid: return gettid();
  case SYS_socket: return socket((int)a[0], (int)a[1], (int)a[2]);
  case SYS_kill: return ew_ret(ew_kill((int)a[0], (int)a[1]));
  case SYS_tkill: return ew_ret(ew_tgkill(getpid(), (int)a[0], (int)a[1]));
  case SYS_tgkill: return ew_ret(ew_tgkill((int)a[0], (int)a[1], (int)a[2]));
  case SYS_fcntl: return fcntl((int)a[0], (int)a[1], (int)a[2]);
  case SYS_epoll_create: return epoll_create((int)a[0]);
  case SYS_epoll_create1: return epoll_create1((int)a[0]);
  case SYS_epoll_ctl: return epoll_ctl((int)a[0], (int)a[1], (int)a[2], (struct epoll_event *)a[3]);
  case SYS_epoll_wait: return epoll_wait((int)a[0], p1, (int)a[2], (int)a[3]);
  case SYS_epoll_pwait: return epoll_pwait((int)a[0], p1, (int)a[2], (int)a[3], (const sigset_t *)a[4]);
  case SYS_epoll_pwait2: return epoll_pwait2((int)a[0], p1, (int)a[2], (const struct timespec *)a[3], (const sigset_t *)a[4]);
  case SYS_signalfd: return ew_ret(ew_signalfd4((int)a[0], p1, (size_t)a[2], 0));
  case SYS_signalfd4: return ew_ret(ew_signalfd4((int)a[0], p1, (size_t)a[2], (int)a[3]));
  case SYS_timerfd_create: return timerfd_create((clockid_t)(uintptr_t)a[0], (int)a[1]);
  case SYS_eventfd: return eventfd((unsigned)a[0], 0);
  case SYS_eventfd2: return eventfd((unsigned)a[0], (int)a[1]);
  case SYS_memfd_create: return memfd_create((const char *)a[0], (unsigned)a[1]);
  case SYS_close_range: return ew_ret(ew_close_range((unsigned)a[0], (unsigned)a[1], (unsigned)a[2]));
  default: return ew_ret(-ENOSYS);
  }
}
