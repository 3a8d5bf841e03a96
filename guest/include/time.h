/* epoll-wasm guest header: wasi-libc's <time.h>; its clocks are the kernel's. CLOCK_REALTIME
 * and CLOCK_MONOTONIC stay wasi-libc's clockid_t values (pointers): the runtime maps them. */
#ifndef _EPOLL_WASM_TIME_H
#define _EPOLL_WASM_TIME_H
#include_next <time.h>
#ifndef TIMER_ABSTIME
#define TIMER_ABSTIME 1
#endif
#endif
