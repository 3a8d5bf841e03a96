/* epoll-wasm guest header: AF_UNIX addresses (Linux's layout). */
#ifndef _EPOLL_WASM_SYS_UN_H
#define _EPOLL_WASM_SYS_UN_H
#define _SYS_UN_H
#define __wasilibc___struct_sockaddr_un_h
#include <sys/socket.h>
struct sockaddr_un {
  sa_family_t sun_family;
  char sun_path[108];
};
#endif
