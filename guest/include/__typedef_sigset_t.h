/* epoll-wasm: replaces wasi-libc's one-byte sigset_t with Linux's 64-signal set (8 bytes:
 * bit sig-1 of the 64-bit mask, low word first), so every header that names sigset_t agrees. */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h
#define __DEFINED_sigset_t
typedef struct { unsigned long __bits[2]; } sigset_t;
#endif
