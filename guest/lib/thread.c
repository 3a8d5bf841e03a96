/* epoll-wasm guest runtime: POSIX threads as the kernel's threads. A thread gets its own
 * stack and Asyncify buffer here; the host runs __ew_thread_start on them as a kernel thread
 * and switches between threads only inside imports (the kernel's scheduling points), so
 * plain loads and stores are atomic with respect to other threads. Mutexes and condition
 * variables sleep on the host's futex: a waiting thread is blocked, never spinning, so the
 * virtual clock can advance and a deadlock is reported as one. */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ew.h"

#define STACK_SIZE (256 * 1024)
#define ABUF_SIZE (64 * 1024)

EW_IMPORT(thread_create) int ew_thread_create(struct ew_thread *t, void *stack_top, void *abuf, int abuf_size);
EW_IMPORT(thread_join) int ew_thread_join(struct ew_thread *t);
EW_IMPORT(thread_exit) _Noreturn void ew_thread_exit(void);
EW_IMPORT(thread_self) struct ew_thread *ew_thread_self(void);
EW_IMPORT(futex_wait) int ew_futex_wait_import(volatile int *addr, int val, const void *abstime);
EW_IMPORT(futex_wake) int ew_futex_wake_import(volatile int *addr, int n);
EW_IMPORT(sched_yield) int ew_sched_yield(void);
EW_IMPORT(getpid) int ew_getpid(void);
EW_IMPORT(gettid) int ew_gettid(void);

/* The main thread's record and Asyncify buffer (the host finds them by these exports). */
static struct ew_thread main_thread;
static char main_abuf[ABUF_SIZE] __attribute__((aligned(16)));
EW_EXPORT(__ew_main_thread) struct ew_thread *ew_main_thread(void) { return &main_thread; }
EW_EXPORT(__ew_main_abuf) void *ew_main_abuf(void) { return main_abuf; }
EW_EXPORT(__ew_abuf_size) int ew_abuf_size(void) { return ABUF_SIZE; }
EW_EXPORT(__ew_errno) int *ew_errno_addr(void) { return &errno; }

static void run_key_destructors(struct ew_thread *t);

EW_EXPORT(__ew_thread_start) void ew_thread_start(struct ew_thread *t) {
  t->ret = t->fn(t->arg);
  run_key_destructors(t);
}

int ew_futex_wait(volatile int *addr, int val, const void *abstime) { return ew_futex_wait_import(addr, val, abstime); }
int ew_futex_wake(volatile int *addr, int n) { return ew_futex_wake_import(addr, n); }

struct ew_thread *ew_self(void) { return ew_thread_self(); }
pid_t getpid(void) { return ew_getpid(); }
pid_t gettid(void) { return ew_gettid(); }
int sched_yield(void) { return (int)ew_ret(ew_sched_yield()); }

/* Detached threads that have ended: their stacks are freed by the next pthread_create (a
 * thread cannot free the stack it runs on). */
static struct ew_thread *detached;

static void reap(void) {
  for (struct ew_thread **p = &detached; *p;) {
    struct ew_thread *t = *p;
    if (!t->done) {
      p = &t->next_dead;
      continue;
    }
    *p = t->next_dead;
    free(t->stack);
    free(t->abuf);
    free(t);
  }
}

static void release(struct ew_thread *t) {
  free(t->stack);
  free(t->abuf);
  free(t);
}

int pthread_create(pthread_t *out, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  reap();
  size_t size = attr && attr->__u.__s[0] ? attr->__u.__s[0] : STACK_SIZE;
  struct ew_thread *t = calloc(1, sizeof *t);
  if (!t) return EAGAIN;
  t->fn = fn;
  t->arg = arg;
  t->detached = attr ? attr->__u.__i[1] : 0;
  t->stack = aligned_alloc(16, size);
  t->abuf = aligned_alloc(16, ABUF_SIZE);
  if (!t->stack || !t->abuf) {
    release(t);
    return EAGAIN;
  }
  int r = ew_thread_create(t, (char *)t->stack + size, t->abuf, ABUF_SIZE);
  if (r < 0) {
    release(t);
    return -r;
  }
  t->tid = r;
  if (t->detached) {
    t->next_dead = detached;
    detached = t;
  }
  *out = (pthread_t)t;
  return 0;
}

int pthread_join(pthread_t th, void **ret) {
  struct ew_thread *t = (struct ew_thread *)th;
  if (t == ew_self()) return EDEADLK;
  if (t->detached) return EINVAL;
  int r = ew_thread_join(t);
  if (r < 0) return -r;
  if (ret) *ret = t->ret;
  release(t);
  return 0;
}

int pthread_detach(pthread_t th) {
  struct ew_thread *t = (struct ew_thread *)th;
  if (t->detached) return EINVAL;
  t->detached = 1;
  t->next_dead = detached;
  detached = t;
  return 0;
}

_Noreturn void pthread_exit(void *ret) {
  struct ew_thread *t = ew_self();
  t->ret = ret;
  run_key_destructors(t);
  ew_thread_exit();
}

pthread_t pthread_self(void) { return (pthread_t)ew_self(); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

int pthread_attr_init(pthread_attr_t *a) { return memset(a, 0, sizeof *a), 0; }
int pthread_attr_destroy(pthread_attr_t *a) { return (void)a, 0; }
int pthread_attr_setdetachstate(pthread_attr_t *a, int s) {
  if (s != PTHREAD_CREATE_JOINABLE && s != PTHREAD_CREATE_DETACHED) return EINVAL;
  a->__u.__i[1] = s;
  return 0;
}
int pthread_attr_getdetachstate(const pthread_attr_t *a, int *s) { return *s = a->__u.__i[1], 0; }
int pthread_attr_setstacksize(pthread_attr_t *a, size_t size) {
  if (size < 16384) return EINVAL;
  a->__u.__s[0] = size;
  return 0;
}
int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size) { return *size = a->__u.__s[0] ? a->__u.__s[0] : STACK_SIZE, 0; }

/* Mutex words: [0] state (0 free, 1 locked, 2 locked with waiters), [1] owner tid,
 * [2] recursion count, [3] type. */
#define M_STATE(m) ((m)->__u.__vi[0])
#define M_OWNER(m) ((m)->__u.__vi[1])
#define M_COUNT(m) ((m)->__u.__vi[2])
#define M_TYPE(m) ((m)->__u.__vi[3])

int pthread_mutexattr_init(pthread_mutexattr_t *a) { return a->__attr = 0, 0; }
int pthread_mutexattr_destroy(pthread_mutexattr_t *a) { return (void)a, 0; }
int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type) {
  if (type < 0 || type > 2) return EINVAL;
  a->__attr = (unsigned)type;
  return 0;
}
int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type) { return *type = (int)a->__attr, 0; }

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) {
  memset(m, 0, sizeof *m);
  M_TYPE(m) = a ? (int)a->__attr : 0;
  return 0;
}
int pthread_mutex_destroy(pthread_mutex_t *m) { return M_STATE(m) ? EBUSY : 0; }

int pthread_mutex_trylock(pthread_mutex_t *m) {
  int me = gettid();
  if (M_STATE(m)) {
    if (M_TYPE(m) == PTHREAD_MUTEX_RECURSIVE && M_OWNER(m) == me) return M_COUNT(m)++, 0;
    return EBUSY;
  }
  M_STATE(m) = 1;
  M_OWNER(m) = me;
  M_COUNT(m) = 1;
  return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m) {
  int me = gettid();
  if (M_STATE(m) && M_OWNER(m) == me) {
    if (M_TYPE(m) == PTHREAD_MUTEX_RECURSIVE) return M_COUNT(m)++, 0;
    if (M_TYPE(m) == PTHREAD_MUTEX_ERRORCHECK) return EDEADLK;
  }
  /* No switch happens between the test and the store: they are not imports. A thread that
   * had to wait takes the lock as "locked with waiters" (2): others may still sleep on it,
   * and its unlock must wake one. */
  int waited = 0;
  while (M_STATE(m)) {
    M_STATE(m) = 2;
    int r = ew_futex_wait(&M_STATE(m), 2, NULL);
    if (r == -EDEADLK) return EDEADLK; /* in a signal handler, where no thread may sleep */
    waited = 1;
  }
  M_STATE(m) = waited ? 2 : 1;
  M_OWNER(m) = me;
  M_COUNT(m) = 1;
  return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m) {
  if (M_TYPE(m) != PTHREAD_MUTEX_NORMAL && (!M_STATE(m) || M_OWNER(m) != gettid())) return EPERM;
  if (M_TYPE(m) == PTHREAD_MUTEX_RECURSIVE && --M_COUNT(m) > 0) return 0;
  int waiters = M_STATE(m) == 2;
  M_STATE(m) = 0;
  M_OWNER(m) = 0;
  if (waiters) ew_futex_wake(&M_STATE(m), 1);
  return 0;
}

/* Condition words: [0] sequence (bumped by each signal), [1] clock (0 realtime, 1 monotonic). */
int pthread_condattr_init(pthread_condattr_t *a) { return a->__attr = 0, 0; }
int pthread_condattr_destroy(pthread_condattr_t *a) { return (void)a, 0; }
int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clk) {
  int id = ew_clock_id(clk);
  if (id != 0 && id != 1) return EINVAL;
  a->__attr = (unsigned)id;
  return 0;
}
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) {
  memset(c, 0, sizeof *c);
  c->__u.__vi[1] = a ? (int)a->__attr : 0;
  return 0;
}
int pthread_cond_destroy(pthread_cond_t *c) { return (void)c, 0; }

static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime) {
  int seq = c->__u.__vi[0];
  struct timespec mono;
  if (abstime && c->__u.__vi[1] == 0) {
    /* The futex's deadline is on CLOCK_MONOTONIC: move a realtime one over. */
    struct timespec rt, now;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ns = (abstime->tv_sec - rt.tv_sec) * 1000000000LL + (abstime->tv_nsec - rt.tv_nsec);
    ns += now.tv_sec * 1000000000LL + now.tv_nsec;
    mono.tv_sec = ns / 1000000000LL;
    mono.tv_nsec = ns % 1000000000LL;
    abstime = &mono;
  }
  int r = pthread_mutex_unlock(m);
  if (r) return r;
  int w = ew_futex_wait(&c->__u.__vi[0], seq, abstime);
  pthread_mutex_lock(m);
  return w == -ETIMEDOUT ? ETIMEDOUT : 0;
}
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return cond_wait(c, m, NULL); }
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime) {
  if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000L) return EINVAL;
  return cond_wait(c, m, abstime);
}
int pthread_cond_signal(pthread_cond_t *c) {
  c->__u.__vi[0]++;
  ew_futex_wake(&c->__u.__vi[0], 1);
  return 0;
}
int pthread_cond_broadcast(pthread_cond_t *c) {
  c->__u.__vi[0]++;
  ew_futex_wake(&c->__u.__vi[0], INT_MAX);
  return 0;
}

int pthread_once(pthread_once_t *once, void (*init)(void)) {
  if (*once == 0) {
    *once = 1;
    init();
    *once = 2;
  }
  return 0;
}

/* Thread-specific data: 64 keys; values live in each thread's record. */
static unsigned char key_used[64];
static void (*key_dtor[64])(void *);
int pthread_key_create(pthread_key_t *key, void (*dtor)(void *)) {
  for (unsigned i = 0; i < 64; i++)
    if (!key_used[i]) {
      key_used[i] = 1;
      key_dtor[i] = dtor;
      *key = i;
      return 0;
    }
  return EAGAIN;
}
int pthread_key_delete(pthread_key_t key) {
  if (key >= 64 || !key_used[key]) return EINVAL;
  key_used[key] = 0;
  return 0;
}
void *pthread_getspecific(pthread_key_t key) { return key < 64 ? ew_self()->keys[key] : NULL; }
int pthread_setspecific(pthread_key_t key, const void *value) {
  if (key >= 64 || !key_used[key]) return EINVAL;
  ew_self()->keys[key] = (void *)value;
  return 0;
}

/* At a thread's end: each non-null value's destructor, up to PTHREAD_DESTRUCTOR_ITERATIONS (4)
 * rounds while destructors leave values behind (POSIX). */
static void run_key_destructors(struct ew_thread *t) {
  for (int round = 0; round < 4; round++) {
    int again = 0;
    for (unsigned i = 0; i < 64; i++) {
      void *v = t->keys[i];
      if (v && key_used[i] && key_dtor[i]) {
        t->keys[i] = NULL;
        key_dtor[i](v);
        again = 1;
      }
    }
    if (!again) return;
  }
}
