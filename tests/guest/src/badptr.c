/*
 * badptr: pointers that point nowhere. On Linux a user address with nothing mapped makes a
 * syscall fail with EFAULT where it copies to or from it, in the order the kernel checks;
 * on the model a guest pointer past the end of the WebAssembly memory does the same.
 * Prints one line per call: the call and its result (a value or an errno name).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

/* An address no program maps here: high in the 32-bit range. */
#define BAD ((void *)(uintptr_t)0xfffff000u)

static const char *name(int e) {
  switch (e) {
  case EFAULT: return "EFAULT";
  case EAGAIN: return "EAGAIN";
  case EBADF: return "EBADF";
  case EINVAL: return "EINVAL";
  default: return "other";
  }
}

static void show(const char *what, long r) {
  if (r < 0) printf("%-34s -1 %s\n", what, name(errno));
  else printf("%-34s %ld\n", what, r);
}

int main(void) {
  int p[2], sv[2];
  if (pipe2(p, O_NONBLOCK) < 0) return 1;
  show("pipe2(BAD)", pipe2(BAD, 0));
  show("write(pipe, BAD, 4)", write(p[1], BAD, 4));
  show("read(empty pipe, BAD, 4)", read(p[0], BAD, 4));
  show("write(pipe, \"abcd\", 4)", write(p[1], "abcd", 4));
  show("read(pipe, BAD, 4)", read(p[0], BAD, 4));
  char buf[8];
  show("read(pipe, buf, 8) after", read(p[0], buf, 8));
  int ep = epoll_create1(0);
  show("epoll_ctl(ADD, BAD)", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], BAD));
  show("epoll_ctl(DEL, BAD)", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], BAD));
  struct epoll_event ev = {EPOLLIN, {.u64 = 7}};
  show("epoll_ctl(ADD, &ev)", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
  show("epoll_wait(BAD), none ready", epoll_wait(ep, BAD, 4, 0));
  show("write(pipe, \"x\", 1)", write(p[1], "x", 1));
  show("epoll_wait(BAD), one ready", epoll_wait(ep, BAD, 4, 0));
  struct epoll_event out[4];
  show("epoll_wait(out) after", epoll_wait(ep, out, 4, 0));
  show("epoll_wait(BAD, maxevents 0)", epoll_wait(ep, BAD, 0, 0));
  show("poll(BAD, 1)", poll(BAD, 1, 0));
  show("socketpair(BAD)", socketpair(AF_UNIX, SOCK_STREAM, 0, BAD));
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) return 1;
  show("next fd is still", dup(0));
  show("send(BAD)", send(sv[0], BAD, 4, 0));
  socklen_t len = sizeof(struct sockaddr);
  show("getsockname(BAD addr)", getsockname(sv[0], BAD, &len));
  show("getsockname(BAD len)", getsockname(sv[0], (struct sockaddr *)buf, BAD));
  int efd = eventfd(0, EFD_NONBLOCK);
  show("write(eventfd, BAD, 8)", write(efd, BAD, 8));
  show("read(eventfd, BAD, 8), zero", read(efd, BAD, 8));
  uint64_t one = 1;
  show("write(eventfd, 1)", write(efd, &one, 8));
  show("read(eventfd, BAD, 8), one", read(efd, BAD, 8));
  show("read(eventfd, &v, 8) after", read(efd, &one, 8));
  return 0;
}
