/* epoll-wasm guest header: wasi-libc's <unistd.h> plus the calls WASI lacks (pipes, dup,
 * process and thread ids, syscall), all served by the kernel. */
#ifndef _EPOLL_WASM_UNISTD_H
#define _EPOLL_WASM_UNISTD_H
#ifndef _WASI_EMULATED_GETPID
#define _WASI_EMULATED_GETPID /* getpid is ours (the kernel's); declared by wasi-libc then */
#endif
#include_next <unistd.h>
#ifdef __cplusplus
extern "C" {
#endif
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
int dup(int fd);
int dup2(int oldfd, int newfd);
int dup3(int oldfd, int newfd, int flags);
pid_t gettid(void);
long syscall(long number, ...);
#ifdef __cplusplus
}
#endif
#endif
