/* epoll-wasm guest header: the x86-64 syscall numbers that syscall() serves (the others
 * give ENOSYS). */
#ifndef _EPOLL_WASM_SYS_SYSCALL_H
#define _EPOLL_WASM_SYS_SYSCALL_H
#define _SYS_SYSCALL_H
#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_poll 7
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_ioctl 16
#define SYS_pipe 22
#define SYS_sched_yield 24
#define SYS_dup 32
#define SYS_dup2 33
#define SYS_getpid 39
#define SYS_socket 41
#define SYS_kill 62
#define SYS_fcntl 72
#define SYS_rt_sigpending 127
#define SYS_gettid 186
#define SYS_tkill 200
#define SYS_epoll_create 213
#define SYS_epoll_wait 232
#define SYS_epoll_ctl 233
#define SYS_tgkill 234
#define SYS_epoll_pwait 281
#define SYS_signalfd 282
#define SYS_timerfd_create 283
#define SYS_eventfd 284
#define SYS_signalfd4 289
#define SYS_eventfd2 290
#define SYS_epoll_create1 291
#define SYS_dup3 292
#define SYS_pipe2 293
#define SYS_memfd_create 319
#define SYS_close_range 436
#define SYS_epoll_pwait2 441
long syscall(long number, ...);
#endif
