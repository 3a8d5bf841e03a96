/* epoll-wasm guest runtime: the socket calls (AF_UNIX, AF_INET, AF_INET6). Addresses and
 * messages are passed as pointers in Linux's layouts; the host reads and writes them. */
#include <sys/socket.h>
#include "ew.h"

EW_IMPORT(socket) int ew_socket(int domain, int type, int protocol);
EW_IMPORT(socketpair) int ew_socketpair(int domain, int type, int protocol, int *sv);
EW_IMPORT(bind) int ew_bind(int fd, const struct sockaddr *addr, socklen_t len);
EW_IMPORT(listen) int ew_listen(int fd, int backlog);
EW_IMPORT(connect) int ew_connect(int fd, const struct sockaddr *addr, socklen_t len);
EW_IMPORT(accept4) int ew_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
EW_IMPORT(getsockname) int ew_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
EW_IMPORT(getpeername) int ew_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
EW_IMPORT(sendto) int ew_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t alen);
EW_IMPORT(recvfrom) int ew_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *alen);
EW_IMPORT(sendmsg) int ew_sendmsg(int fd, const struct msghdr *msg, int flags);
EW_IMPORT(recvmsg) int ew_recvmsg(int fd, struct msghdr *msg, int flags);
EW_IMPORT(setsockopt) int ew_setsockopt(int fd, int level, int name, const void *value, socklen_t len);
EW_IMPORT(getsockopt) int ew_getsockopt(int fd, int level, int name, void *value, socklen_t *len);
EW_IMPORT(shutdown) int ew_shutdown(int fd, int how);

int socket(int domain, int type, int protocol) { return (int)ew_ret(ew_socket(domain, type, protocol)); }
int socketpair(int domain, int type, int protocol, int sv[2]) { return (int)ew_ret(ew_socketpair(domain, type, protocol, sv)); }
int bind(int fd, const struct sockaddr *addr, socklen_t len) { return (int)ew_ret(ew_bind(fd, addr, len)); }
int listen(int fd, int backlog) { return (int)ew_ret(ew_listen(fd, backlog)); }
int connect(int fd, const struct sockaddr *addr, socklen_t len) { return (int)ew_ret(ew_connect(fd, addr, len)); }
int accept(int fd, struct sockaddr *addr, socklen_t *len) { return (int)ew_ret(ew_accept4(fd, addr, len, 0)); }
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) { return (int)ew_ret(ew_accept4(fd, addr, len, flags)); }
int getsockname(int fd, struct sockaddr *addr, socklen_t *len) { return (int)ew_ret(ew_getsockname(fd, addr, len)); }
int getpeername(int fd, struct sockaddr *addr, socklen_t *len) { return (int)ew_ret(ew_getpeername(fd, addr, len)); }
ssize_t send(int fd, const void *buf, size_t len, int flags) { return ew_ret(ew_sendto(fd, buf, len, flags, NULL, 0)); }
ssize_t recv(int fd, void *buf, size_t len, int flags) { return ew_ret(ew_recvfrom(fd, buf, len, flags, NULL, NULL)); }
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t alen) {
  return ew_ret(ew_sendto(fd, buf, len, flags, addr, alen));
}
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *alen) {
  return ew_ret(ew_recvfrom(fd, buf, len, flags, addr, alen));
}
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) { return ew_ret(ew_sendmsg(fd, msg, flags)); }
ssize_t recvmsg(int fd, struct msghdr *msg, int flags) { return ew_ret(ew_recvmsg(fd, msg, flags)); }
int setsockopt(int fd, int level, int name, const void *value, socklen_t len) { return (int)ew_ret(ew_setsockopt(fd, level, name, value, len)); }
int getsockopt(int fd, int level, int name, void *value, socklen_t *len) { return (int)ew_ret(ew_getsockopt(fd, level, name, value, len)); }
int shutdown(int fd, int how) { return (int)ew_ret(ew_shutdown(fd, how)); }
