/* epoll-wasm guest runtime: epoll, poll, eventfd, timerfd, signalfd and memfd, each one
 * import. */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "ew.h"

EW_IMPORT(epoll_create) int ew_epoll_create(int size);
EW_IMPORT(epoll_create1) int ew_epoll_create1(int flags);
EW_IMPORT(epoll_ctl) int ew_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);
EW_IMPORT(epoll_pwait) int ew_epoll_pwait(int epfd, struct epoll_event *evs, int max, int timeout, const sigset_t *mask);
EW_IMPORT(epoll_pwait2) int ew_epoll_pwait2(int epfd, struct epoll_event *evs, int max, const struct timespec *timeout, const sigset_t *mask);
EW_IMPORT(poll) int ew_poll(struct pollfd *fds, nfds_t n, int timeout);
EW_IMPORT(eventfd2) int ew_eventfd2(unsigned initval, int flags);
EW_IMPORT(timerfd_create) int ew_timerfd_create(int clockid, int flags);
EW_IMPORT(timerfd_settime) int ew_timerfd_settime(int fd, int flags, const struct itimerspec *nv, struct itimerspec *ov);
EW_IMPORT(timerfd_gettime) int ew_timerfd_gettime(int fd, struct itimerspec *cur);
EW_IMPORT(signalfd4) int ew_signalfd4(int fd, const sigset_t *mask, size_t size, int flags);
EW_IMPORT(memfd_create) int ew_memfd_create(const char *name, unsigned flags);

int epoll_create(int size) { return (int)ew_ret(ew_epoll_create(size)); }
int epoll_create1(int flags) { return (int)ew_ret(ew_epoll_create1(flags)); }
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev) { return (int)ew_ret(ew_epoll_ctl(epfd, op, fd, ev)); }
int epoll_wait(int epfd, struct epoll_event *evs, int max, int timeout) { return (int)ew_ret(ew_epoll_pwait(epfd, evs, max, timeout, NULL)); }
int epoll_pwait(int epfd, struct epoll_event *evs, int max, int timeout, const sigset_t *mask) {
  return (int)ew_ret(ew_epoll_pwait(epfd, evs, max, timeout, mask));
}
int epoll_pwait2(int epfd, struct epoll_event *evs, int max, const struct timespec *timeout, const sigset_t *mask) {
  return (int)ew_ret(ew_epoll_pwait2(epfd, evs, max, timeout, mask));
}
int poll(struct pollfd *fds, nfds_t n, int timeout) { return (int)ew_ret(ew_poll(fds, n, timeout)); }

int eventfd(unsigned initval, int flags) { return (int)ew_ret(ew_eventfd2(initval, flags)); }
int eventfd_read(int fd, eventfd_t *value) { return read(fd, value, sizeof *value) == sizeof *value ? 0 : -1; }
int eventfd_write(int fd, eventfd_t value) { return write(fd, &value, sizeof value) == sizeof value ? 0 : -1; }

int timerfd_create(clockid_t clockid, int flags) {
  int id = ew_clock_id(clockid);
  if (id < 0) return (int)ew_ret(-EINVAL);
  return (int)ew_ret(ew_timerfd_create(id, flags));
}
int timerfd_settime(int fd, int flags, const struct itimerspec *nv, struct itimerspec *ov) {
  return (int)ew_ret(ew_timerfd_settime(fd, flags, nv, ov));
}
int timerfd_gettime(int fd, struct itimerspec *cur) { return (int)ew_ret(ew_timerfd_gettime(fd, cur)); }

int signalfd(int fd, const sigset_t *mask, int flags) { return (int)ew_ret(ew_signalfd4(fd, mask, 8, flags)); }
int memfd_create(const char *name, unsigned flags) { return (int)ew_ret(ew_memfd_create(name, flags)); }
