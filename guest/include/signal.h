/* epoll-wasm guest header: signals with Linux's numbers, masks and sigaction flags. The
 * handlers run in the guest, on the thread that takes the signal, before its interrupted
 * call returns (see the package's docs/GUEST.md). */
#ifndef _EPOLL_WASM_SIGNAL_H
#define _EPOLL_WASM_SIGNAL_H
#define _SIGNAL_H /* keep wasi-libc's copy out */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <__typedef_sigset_t.h>
#ifdef __cplusplus
extern "C" {
#endif

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGIOT SIGABRT
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPOLL SIGIO
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 34
#define SIGRTMAX 64
#define _NSIG 65
#define NSIG _NSIG

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)

typedef int sig_atomic_t;
typedef void (*sighandler_t)(int);
/* Function pointers are table indices in WebAssembly, and index 1 is a real function, so
 * SIG_IGN cannot be 1 as on Linux: it is an index no table reaches. */
#define SIG_ERR ((void (*)(int)) - 1)
#define SIG_DFL ((void (*)(int))0)
#define SIG_IGN ((void (*)(int)) - 2)

union sigval {
  int sival_int;
  void *sival_ptr;
};

typedef struct {
  int si_signo;
  int si_errno;
  int si_code;
  pid_t si_pid;
  uid_t si_uid;
  int si_status;
  union sigval si_value;
  char __pad[100];
} siginfo_t;

/* Field order as musl; the host reads it (src/guest/layout.ts). */
struct sigaction {
  union {
    void (*sa_handler)(int);
    void (*sa_sigaction)(int, siginfo_t *, void *);
  } __sa_handler;
  sigset_t sa_mask;
  int sa_flags;
  void (*sa_restorer)(void);
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction

void (*signal(int sig, void (*handler)(int)))(int);
int raise(int sig);
int kill(pid_t pid, int sig);
int sigaction(int sig, const struct sigaction *__restrict act, struct sigaction *__restrict oldact);
int sigprocmask(int how, const sigset_t *__restrict set, sigset_t *__restrict oldset);
int sigpending(sigset_t *set);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

int pthread_sigmask(int how, const sigset_t *__restrict set, sigset_t *__restrict oldset);
int pthread_kill(pthread_t thread, int sig);

#ifdef __cplusplus
}
#endif
#endif
