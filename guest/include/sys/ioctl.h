/* epoll-wasm guest header: the ioctls the kernel answers (FIONREAD, FIONBIO). */
#ifndef _EPOLL_WASM_SYS_IOCTL_H
#define _EPOLL_WASM_SYS_IOCTL_H
#define _SYS_IOCTL_H
#define __wasilibc___header_sys_ioctl_h
#ifdef __cplusplus
extern "C" {
#endif
#define FIONREAD 0x541B
#define FIONBIO 0x5421
#define SIOCINQ FIONREAD
#define SIOCOUTQ 0x5411
int ioctl(int fd, int request, ...);
#ifdef __cplusplus
}
#endif
#endif
