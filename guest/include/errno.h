/* epoll-wasm guest header: errno with Linux's numbers, as the kernel returns them.
 * Values that wasi-libc's own functions set without the kernel (strtol's ERANGE, say) keep
 * WASI's numbering; see docs/GUEST.md. */
#ifndef _EPOLL_WASM_ERRNO_H
#define _EPOLL_WASM_ERRNO_H
#include_next <errno.h>
#include <bits/ew_errno.h>
#endif
