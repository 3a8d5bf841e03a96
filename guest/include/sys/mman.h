/* epoll-wasm guest header: memfd_create (the kernel's); WASI has no mmap. */
#ifndef _EPOLL_WASM_SYS_MMAN_H
#define _EPOLL_WASM_SYS_MMAN_H
#define _SYS_MMAN_H
#ifdef __cplusplus
extern "C" {
#endif
#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
int memfd_create(const char *name, unsigned flags);
#ifdef __cplusplus
}
#endif
#endif
