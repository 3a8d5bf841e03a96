/* epoll-wasm guest runtime: signals. The kernel keeps dispositions, masks and pending sets;
 * a handler is a function of this instance, which the host calls through
 * __ew_signal_call on the thread that takes the signal, before its interrupted call returns. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "ew.h"

EW_IMPORT(rt_sigaction) int ew_rt_sigaction(int sig, const struct sigaction *act, struct sigaction *old);
EW_IMPORT(rt_sigprocmask) int ew_rt_sigprocmask(int how, const sigset_t *set, sigset_t *old);
EW_IMPORT(rt_sigpending) int ew_rt_sigpending(sigset_t *set);
EW_IMPORT(kill) int ew_kill(int pid, int sig);
EW_IMPORT(tgkill) int ew_tgkill(int tgid, int tid, int sig);

EW_EXPORT(__ew_signal_call) void ew_signal_call(void *handler, int sig, int flags) {
  if (flags & SA_SIGINFO) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    ((void (*)(int, siginfo_t *, void *))handler)(sig, &info, NULL);
  } else {
    ((void (*)(int))handler)(sig);
  }
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  return (int)ew_ret(ew_rt_sigaction(sig, act, old));
}

void (*signal(int sig, void (*handler)(int)))(int) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART; /* BSD semantics, as glibc's signal() */
  if (sigaction(sig, &sa, &old) < 0) return SIG_ERR;
  return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) { return (int)ew_ret(ew_rt_sigprocmask(how, set, old)); }
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old) {
  int r = ew_rt_sigprocmask(how, set, old);
  return r < 0 ? -r : 0;
}
int sigpending(sigset_t *set) { return (int)ew_ret(ew_rt_sigpending(set)); }
int kill(pid_t pid, int sig) { return (int)ew_ret(ew_kill(pid, sig)); }
int raise(int sig) { return (int)ew_ret(ew_tgkill(getpid(), gettid(), sig)); }
int pthread_kill(pthread_t t, int sig) {
  struct ew_thread *th = (struct ew_thread *)t;
  /* A thread that has ended but is not joined yet still exists (as on Linux): the signal is
   * accepted and goes nowhere. */
  if (th->done) return sig < 0 || sig > 64 ? EINVAL : 0;
  int r = ew_tgkill(getpid(), th->tid, sig);
  return r < 0 ? -r : 0;
}

static int bad(int sig) { return sig < 1 || sig > 64; }
int sigemptyset(sigset_t *s) { return memset(s, 0, sizeof *s), 0; }
int sigfillset(sigset_t *s) { return memset(s, 0xff, sizeof *s), 0; }
int sigaddset(sigset_t *s, int sig) {
  if (bad(sig)) return (int)ew_ret(-EINVAL);
  s->__bits[(sig - 1) / 32] |= 1UL << ((sig - 1) % 32);
  return 0;
}
int sigdelset(sigset_t *s, int sig) {
  if (bad(sig)) return (int)ew_ret(-EINVAL);
  s->__bits[(sig - 1) / 32] &= ~(1UL << ((sig - 1) % 32));
  return 0;
}
int sigismember(const sigset_t *s, int sig) {
  if (bad(sig)) return (int)ew_ret(-EINVAL);
  return (s->__bits[(sig - 1) / 32] >> ((sig - 1) % 32)) & 1;
}
