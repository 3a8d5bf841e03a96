/*
 * signals.c - signals meeting epoll.
 *
 * (a) SIGUSR1 blocked, read through a non-blocking signalfd in an epoll set. Two
 *     kill(getpid(), SIGUSR1) coalesce into one record (standard signals do not
 *     queue); epoll reports EPOLLIN; the record has ssi_signo 10, ssi_code SI_USER (0);
 *     a second read gives EAGAIN.
 * (b) A SIGUSR2 handler installed without SA_RESTART sets a flag. A helper thread
 *     sleeps 20 ms, then pthread_kill()s the main thread, which is blocked on an EMPTY
 *     epoll set with timeout -1: the wait returns -1/EINTR. SIGUSR2 stays blocked
 *     except inside epoll_pwait's mask, so a signal sent before main reaches the wait
 *     stays pending and still interrupts it (plain epoll_wait would race and hang).
 * (c) SIGPIPE ignored: writing to a pipe with no reader fails with EPIPE.
 * (d) raise(SIGTERM) with the default action: the process dies by signal 15 (a shell
 *     shows exit status 143). "about to die" is flushed first.
 */
#define _GNU_SOURCE /* pipe2 (and POSIX names under -std=c11) */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr2;
static pthread_t main_thread;

static const char *ename(int e) {
  switch (e) {
  case EAGAIN: return "EAGAIN";
  case EINTR: return "EINTR";
  case EPIPE: return "EPIPE";
  default: return "E?";
  }
}

static void die(const char *what) {
  fprintf(stderr, "signals: %s: %s\n", what, strerror(errno));
  exit(1);
}
static void fail(const char *what) {
  fprintf(stderr, "signals: %s\n", what);
  exit(1);
}

static void on_usr2(int sig) {
  (void)sig;
  got_usr2 = 1;
}

static void *poker(void *arg) {
  (void)arg;
  struct timespec ts = {0, 20 * 1000000L};
  while (nanosleep(&ts, &ts) < 0)
    if (errno != EINTR) die("nanosleep");
  int e = pthread_kill(main_thread, SIGUSR2);
  if (e) {
    errno = e;
    die("pthread_kill");
  }
  return NULL;
}

int main(int argc, char **argv) {
  (void)argc, (void)argv;
  main_thread = pthread_self();

  /* (a) signalfd. Block first, so the signal stays pending for the signalfd. */
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  if (sigprocmask(SIG_BLOCK, &usr1, NULL) < 0) die("sigprocmask");
  int sfd = signalfd(-1, &usr1, SFD_NONBLOCK);
  if (sfd < 0) die("signalfd");
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) < 0) die("epoll_ctl");
  if (kill(getpid(), SIGUSR1) < 0 || kill(getpid(), SIGUSR1) < 0) die("kill");
  struct epoll_event out;
  int n = epoll_wait(ep, &out, 1, 1000);
  if (n != 1) fail("signalfd not reported ready");
  printf("signalfd: epoll_wait %d events 0x%x\n", n, out.events);
  struct signalfd_siginfo si;
  if (read(sfd, &si, sizeof si) != sizeof si) die("read signalfd");
  printf("signalfd: ssi_signo %u ssi_code %d%s\n", si.ssi_signo, si.ssi_code,
         si.ssi_code == SI_USER ? " (SI_USER)" : "");
  if ((pid_t)si.ssi_pid != getpid()) fail("ssi_pid is not our pid");
  puts("signalfd: ssi_pid is ours: yes");
  if (read(sfd, &si, sizeof si) != -1) fail("second kill was queued, not coalesced");
  if (errno != EAGAIN) die("second read");
  printf("signalfd: second read %s (two kills, one record)\n", ename(errno));
  n = epoll_wait(ep, &out, 1, 0);
  if (n < 0) die("epoll_wait");
  printf("signalfd: ready after read %d\n", n);
  if (close(ep) < 0 || close(sfd) < 0) die("close");

  /* (b) EINTR from epoll. No SA_RESTART, though epoll_wait never restarts anyway. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr2;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  if (sigaction(SIGUSR2, &sa, NULL) < 0) die("sigaction SIGUSR2");
  sigset_t usr2, during;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  if (sigprocmask(SIG_BLOCK, &usr2, &during) < 0) die("sigprocmask");
  /* "during" = the mask before blocking SIGUSR2: SIGUSR1 blocked, SIGUSR2 not. */
  ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  pthread_t th;
  if (pthread_create(&th, NULL, poker, NULL)) fail("pthread_create");
  n = epoll_pwait(ep, &out, 1, -1, &during);
  int err = errno;
  if (n != -1 || err != EINTR) fail("empty epoll set was not interrupted with EINTR");
  if (pthread_join(th, NULL)) fail("pthread_join");
  printf("empty set, timeout -1: epoll_pwait %d %s, handler ran: %s\n", n, ename(err),
         got_usr2 ? "yes" : "no");
  if (close(ep) < 0) die("close");

  /* (c) EPIPE instead of death by SIGPIPE. */
  sa.sa_handler = SIG_IGN;
  if (sigaction(SIGPIPE, &sa, NULL) < 0) die("sigaction SIGPIPE");
  int pp[2];
  if (pipe2(pp, 0) < 0) die("pipe2");
  if (close(pp[0]) < 0) die("close");
  if (write(pp[1], "x", 1) != -1) fail("write to a readerless pipe succeeded");
  printf("write with no reader, SIGPIPE ignored: %s\n", ename(errno));
  if (close(pp[1]) < 0) die("close");

  /* (d) Die by SIGTERM. Flush first: buffered stdout is lost when the signal kills us. */
  puts("about to die");
  if (fflush(stdout) != 0) die("fflush");
  raise(SIGTERM);
  fail("survived SIGTERM");
  return 1;
}
