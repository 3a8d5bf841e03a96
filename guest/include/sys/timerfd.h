/* epoll-wasm guest header: timerfd(2). The clock argument is a clockid_t, which wasi-libc
 * makes a pointer; CLOCK_MONOTONIC and CLOCK_REALTIME from <time.h> are accepted. */
#ifndef _EPOLL_WASM_SYS_TIMERFD_H
#define _EPOLL_WASM_SYS_TIMERFD_H
#include <time.h>
#ifdef __cplusplus
extern "C" {
#endif
#define TFD_NONBLOCK 04000
#define TFD_CLOEXEC 02000000
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
/* struct itimerspec comes from <time.h>. */
int timerfd_create(clockid_t clockid, int flags);
int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value);
int timerfd_gettime(int fd, struct itimerspec *curr_value);
#ifdef __cplusplus
}
#endif
#endif
