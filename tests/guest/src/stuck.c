/*
 * stuck: two threads that wait for each other for good — the main thread in epoll_wait on a
 * set nobody makes ready, a second thread in pthread_join of the main thread's partner.
 * On Linux it hangs; the model reports the deadlock (kernel.spawnProcess rejects with the
 * kernel's DeadlockError, `epoll-wasm run` exits with 124). Not run natively.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *locker(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu); /* held by main: sleeps on the futex */
  return NULL;
}

int main(void) {
  pthread_mutex_lock(&mu);
  pthread_t t;
  pthread_create(&t, NULL, locker, NULL);
  int ep = epoll_create1(0);
  struct epoll_event ev;
  printf("waiting\n");
  fflush(stdout);
  return epoll_wait(ep, &ev, 1, -1);
}
