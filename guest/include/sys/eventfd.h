/* epoll-wasm guest header: eventfd(2) with Linux's flag values. */
#ifndef _EPOLL_WASM_SYS_EVENTFD_H
#define _EPOLL_WASM_SYS_EVENTFD_H
#define _SYS_EVENTFD_H /* keep wasi-libc's copy (WASI flag values) out */
#include <stdint.h>
#include <fcntl.h>
#ifdef __cplusplus
extern "C" {
#endif
typedef uint64_t eventfd_t;
#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC 02000000
#define EFD_NONBLOCK 04000
int eventfd(unsigned int initval, int flags);
int eventfd_read(int fd, eventfd_t *value);
int eventfd_write(int fd, eventfd_t value);
#ifdef __cplusplus
}
#endif
#endif
