/* epoll-wasm guest header: BSD sockets with Linux's numbers and layouts (wasm32: 4-byte
 * pointers, size_t and socklen_t). AF_UNIX, AF_INET and AF_INET6; stream and datagram. */
#ifndef _EPOLL_WASM_SYS_SOCKET_H
#define _EPOLL_WASM_SYS_SOCKET_H
#define _SYS_SOCKET_H
#define __wasilibc___header_sys_socket_h
#define __wasilibc___struct_sockaddr_h
#define __wasilibc___struct_sockaddr_storage_h
#define __wasilibc___struct_msghdr_h
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#ifdef __cplusplus
extern "C" {
#endif

#ifndef _EPOLL_WASM_SOCKLEN_T
#define _EPOLL_WASM_SOCKLEN_T
#define __wasilibc___typedef_socklen_t_h
#define __wasilibc___typedef_sa_family_t_h
typedef unsigned socklen_t;
typedef unsigned short sa_family_t;
#endif

struct sockaddr {
  sa_family_t sa_family;
  char sa_data[14];
};
struct sockaddr_storage {
  sa_family_t ss_family;
  char __ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
  unsigned long __ss_align;
};
struct msghdr {
  void *msg_name;
  socklen_t msg_namelen;
  struct iovec *msg_iov;
  int msg_iovlen;
  void *msg_control;
  socklen_t msg_controllen;
  int msg_flags;
};
struct cmsghdr {
  socklen_t cmsg_len;
  int cmsg_level;
  int cmsg_type;
};
struct linger {
  int l_onoff;
  int l_linger;
};
struct ucred {
  pid_t pid;
  uid_t uid;
  gid_t gid;
};

#define CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & (size_t) ~(sizeof(size_t) - 1))
#define CMSG_DATA(c) ((unsigned char *)(((struct cmsghdr *)(c)) + 1))
#define CMSG_SPACE(len) (CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_FIRSTHDR(m) ((size_t)(m)->msg_controllen >= sizeof(struct cmsghdr) ? (struct cmsghdr *)(m)->msg_control : (struct cmsghdr *)0)
#define __CMSG_NEXT(c) ((unsigned char *)(c) + CMSG_ALIGN((c)->cmsg_len))
#define __MHDR_END(m) ((unsigned char *)(m)->msg_control + (m)->msg_controllen)
#define CMSG_NXTHDR(m, c) \
  ((c)->cmsg_len < sizeof(struct cmsghdr) || __CMSG_NEXT(c) + sizeof(struct cmsghdr) > __MHDR_END(m) \
       ? (struct cmsghdr *)0 : (struct cmsghdr *)__CMSG_NEXT(c))

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX
#define AF_INET 2
#define AF_INET6 10
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_UNIX
#define PF_INET AF_INET
#define PF_INET6 AF_INET6

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000

#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SOMAXCONN 4096

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

int socket(int domain, int type, int protocol);
int socketpair(int domain, int type, int protocol, int sv[2]);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int accept(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len);
int accept4(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len, int flags);
int getsockname(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len);
int getpeername(int fd, struct sockaddr *__restrict addr, socklen_t *__restrict len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t alen);
ssize_t recvfrom(int fd, void *__restrict buf, size_t len, int flags, struct sockaddr *__restrict addr, socklen_t *__restrict alen);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
int setsockopt(int fd, int level, int name, const void *value, socklen_t len);
int getsockopt(int fd, int level, int name, void *__restrict value, socklen_t *__restrict len);
int shutdown(int fd, int how);

#ifdef __cplusplus
}
#endif
#endif
