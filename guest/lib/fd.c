/* epoll-wasm guest runtime: file descriptors (read, write, close, pipes, dup, fcntl, ioctl).
 * These replace wasi-libc's members of the same names, so every fd is the kernel's. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "ew.h"

EW_IMPORT(read) int ew_read(int fd, void *buf, size_t n);
EW_IMPORT(write) int ew_write(int fd, const void *buf, size_t n);
EW_IMPORT(close) int ew_close(int fd);
EW_IMPORT(pipe2) int ew_pipe2(int *fds, int flags);
EW_IMPORT(dup) int ew_dup(int fd);
EW_IMPORT(dup2) int ew_dup2(int oldfd, int newfd);
EW_IMPORT(dup3) int ew_dup3(int oldfd, int newfd, int flags);
EW_IMPORT(fcntl) int ew_fcntl(int fd, int cmd, int arg);
EW_IMPORT(ioctl) int ew_ioctl(int fd, int request, void *arg);

ssize_t read(int fd, void *buf, size_t n) { return ew_ret(ew_read(fd, buf, n)); }
ssize_t write(int fd, const void *buf, size_t n) { return ew_ret(ew_write(fd, buf, n)); }
int close(int fd) { return (int)ew_ret(ew_close(fd)); }
int pipe(int fds[2]) { return (int)ew_ret(ew_pipe2(fds, 0)); }
int pipe2(int fds[2], int flags) { return (int)ew_ret(ew_pipe2(fds, flags)); }
int dup(int fd) { return (int)ew_ret(ew_dup(fd)); }
int dup2(int oldfd, int newfd) { return (int)ew_ret(ew_dup2(oldfd, newfd)); }
int dup3(int oldfd, int newfd, int flags) { return (int)ew_ret(ew_dup3(oldfd, newfd, flags)); }

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int arg = va_arg(ap, int); /* every command the kernel knows takes an int (or nothing) */
  va_end(ap);
  return (int)ew_ret(ew_fcntl(fd, cmd, arg));
}

int ioctl(int fd, int request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  return (int)ew_ret(ew_ioctl(fd, request, arg));
}

/* Resource limits: RLIMIT_NOFILE is the kernel's fd limit (struct rlimit: two u64). */
#include <sys/resource.h>
EW_IMPORT(prlimit) int ew_prlimit(int resource, const struct rlimit *nv, struct rlimit *old);
int getrlimit(int resource, struct rlimit *rlim) { return (int)ew_ret(ew_prlimit(resource, NULL, rlim)); }
int setrlimit(int resource, const struct rlimit *rlim) { return (int)ew_ret(ew_prlimit(resource, rlim, NULL)); }

/* readlink of /proc/self/fd/N: what the fd is, as Linux names it ("pipe:[ino]",
 * "anon_inode:[eventpoll]", …). There is no other file system here: any other path is ENOENT. */
EW_IMPORT(fd_readlink) int ew_fd_readlink(int fd, char *buf, size_t len);
/* Weak: wasi-libc defines readlink in one member with open(), opendir() and others; a program
 * that links those gets wasi-libc's readlink (WASI paths) instead. */
__attribute__((weak)) ssize_t readlink(const char *restrict path, char *restrict buf, size_t len) {
  static const char prefix[] = "/proc/self/fd/";
  const char *p = path;
  for (const char *q = prefix; *q; q++, p++)
    if (*p != *q) return ew_ret(-ENOENT);
  int fd = 0, digits = 0;
  for (; *p >= '0' && *p <= '9' && digits < 10; p++, digits++) fd = fd * 10 + (*p - '0');
  if (!digits || *p) return ew_ret(-ENOENT);
  return ew_ret(ew_fd_readlink(fd, buf, len));
}
