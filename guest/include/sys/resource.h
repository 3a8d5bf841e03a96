/* epoll-wasm guest header: resource limits. RLIMIT_NOFILE is the kernel's fd limit; the
 * other limits read as unlimited and cannot be changed. */
#ifndef _EPOLL_WASM_SYS_RESOURCE_H
#define _EPOLL_WASM_SYS_RESOURCE_H
#define _SYS_RESOURCE_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
typedef unsigned long long rlim_t;
struct rlimit {
  rlim_t rlim_cur;
  rlim_t rlim_max;
};
#define RLIM_INFINITY (~0ULL)
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NOFILE 7
#define RLIMIT_AS 9
#define RLIM_NLIMITS 16
int getrlimit(int resource, struct rlimit *rlim);
int setrlimit(int resource, const struct rlimit *rlim);
#ifdef __cplusplus
}
#endif
#endif
