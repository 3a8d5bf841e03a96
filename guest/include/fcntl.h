/* epoll-wasm guest header: wasi-libc's <fcntl.h> with Linux's status flags and commands
 * (the kernel's). open() of paths is WASI's, not the kernel's (docs/GUEST.md). */
#ifndef _EPOLL_WASM_FCNTL_H
#define _EPOLL_WASM_FCNTL_H
#include_next <fcntl.h>
#undef O_RDONLY
#undef O_WRONLY
#undef O_RDWR
#undef O_ACCMODE
#undef O_NONBLOCK
#undef O_NDELAY
#undef O_CLOEXEC
#undef O_DIRECT
#undef O_APPEND
#undef F_DUPFD
#undef F_GETFD
#undef F_SETFD
#undef F_GETFL
#undef F_SETFL
#undef F_DUPFD_CLOEXEC
#undef FD_CLOEXEC
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_ACCMODE 03
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_NDELAY O_NONBLOCK
#define O_DIRECT 040000
#define O_CLOEXEC 02000000
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#endif
