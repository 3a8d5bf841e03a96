/*
 * corners: the runtime's corner cases a review found, each printed as one line —
 * thread-specific data destructors at a thread's end, pthread_kill of a thread that has ended
 * but is not joined, pthread_cond_timedwait with a deadline already past, a signal that
 * arrives while the main thread sleeps in pthread_join, recvmsg leaving the unused tail of its
 * buffer alone, an abstract AF_UNIX name with bytes above 0x7f, isatty() of a pipe, and
 * fprintf from four threads to one FILE (on a pipe): every line arrives whole, once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static pthread_key_t key;
static int dtor_calls;
static void dtor(void *v) { (void)v; dtor_calls++; }
static void *keyed(void *a) { pthread_setspecific(key, a); return NULL; }

static void *quick(void *a) { return a; }

static pthread_t main_thread;
static volatile sig_atomic_t hits;
static void on_usr1(int s) { (void)s; hits++; }
static void *poke(void *a) {
  (void)a;
  struct timespec t = {0, 10 * 1000000L};
  nanosleep(&t, NULL);
  pthread_kill(main_thread, SIGUSR1);
  nanosleep(&t, NULL);
  return NULL;
}

static FILE *shared;
static void *talker(void *a) {
  long id = (long)a;
  for (int i = 0; i < 50; i++) fprintf(shared, "T%ld %02d\n", id, i);
  return NULL;
}

int main(void) {
  pthread_t t, u;
  pthread_key_create(&key, dtor);
  pthread_create(&t, NULL, keyed, &key);
  pthread_create(&u, NULL, keyed, &key);
  pthread_join(t, NULL);
  pthread_join(u, NULL);
  printf("key destructors: %d\n", dtor_calls);

  pthread_create(&t, NULL, quick, NULL);
  struct timespec ms = {0, 20 * 1000000L};
  nanosleep(&ms, NULL); /* it has ended by now; not joined */
  printf("pthread_kill(signal 0) of an ended thread not joined yet: %d\n", pthread_kill(t, 0));
  pthread_join(t, NULL);

  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t c = PTHREAD_COND_INITIALIZER;
  struct timespec past = {1, 0};
  pthread_mutex_lock(&m);
  int r = pthread_cond_timedwait(&c, &m, &past);
  pthread_mutex_unlock(&m);
  printf("cond_timedwait, deadline past: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : "other");

  main_thread = pthread_self();
  signal(SIGUSR1, on_usr1);
  pthread_create(&t, NULL, poke, NULL);
  pthread_join(t, NULL);
  printf("signal during pthread_join: handled %d before it returned\n", (int)hits);

  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  write(sv[0], "hello", 5);
  char buf[8];
  memset(buf, 0x58, sizeof buf);
  struct iovec iov = {buf, sizeof buf};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t n = recvmsg(sv[1], &msg, 0);
  printf("recvmsg %zd, tail %c%c%c\n", n, buf[5], buf[6], buf[7]);

  int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un a = {0};
  a.sun_family = AF_UNIX;
  memcpy(a.sun_path, "\0ew\xfe\xff", 5);
  int b = bind(s, (struct sockaddr *)&a, 2 + 5);
  struct sockaddr_un got;
  socklen_t len = sizeof got;
  getsockname(s, (struct sockaddr *)&got, &len);
  printf("abstract name: bind %d, length %u, last bytes %02x %02x\n", b, (unsigned)len, (unsigned char)got.sun_path[3], (unsigned char)got.sun_path[4]);

  int p[2];
  pipe(p);
  printf("isatty(pipe): %d\n", isatty(p[0]));
  fflush(stdout);

  int q[2];
  pipe(q);
  shared = fdopen(q[1], "w");
  setvbuf(shared, NULL, _IOLBF, 0); /* a write per line, as to a terminal */
  pthread_t th[4];
  for (long i = 0; i < 4; i++) pthread_create(&th[i], NULL, talker, (void *)i);
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  fclose(shared);
  static char all[8192];
  ssize_t got_n = 0, k;
  while ((k = read(q[0], all + got_n, sizeof all - 1 - got_n)) > 0) got_n += k;
  all[got_n] = 0;
  int seen[4][50] = {{0}}, whole = 0, bad = 0;
  for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
    int id, i;
    if (sscanf(line, "T%d %d", &id, &i) == 2 && strlen(line) == 5 && id >= 0 && id < 4 && i >= 0 && i < 50) seen[id][i]++, whole++;
    else bad++;
  }
  int once = 0;
  for (int id = 0; id < 4; id++)
    for (int i = 0; i < 50; i++) once += seen[id][i] == 1;
  printf("threads' fprintf to one FILE: %d whole lines, %d each once, %d broken\n", whole, once, bad);
  return 0;
}
