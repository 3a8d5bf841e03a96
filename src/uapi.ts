// Linux x86-64 user-space ABI values shared by the AssemblyScript core and the TypeScript
// host. Literals only: this file is compiled by both asc and tsc.

// Event bits (include/uapi/linux/eventpoll.h, include/uapi/asm-generic/poll.h).
/** EPOLLIN: readable (poll bit 0x1, POLLIN). */
export const EPOLLIN = 0x1;
/** EPOLLPRI: urgent/exceptional data to read (0x2, POLLPRI). */
export const EPOLLPRI = 0x2;
/** EPOLLOUT: writable (0x4, POLLOUT). */
export const EPOLLOUT = 0x4;
/** EPOLLERR: error condition (0x8); always reported, need not be requested. */
export const EPOLLERR = 0x8;
/** EPOLLHUP: hang-up, e.g. the peer closed (0x10); always reported, need not be requested. */
export const EPOLLHUP = 0x10;
/** EPOLLNVAL: invalid request (0x20): poll(2) reports it for an fd that is not open. */
export const EPOLLNVAL = 0x20;
/** EPOLLRDNORM: normal data readable (0x40, POLLRDNORM). */
export const EPOLLRDNORM = 0x40;
/** EPOLLRDBAND: priority band data readable (0x80, POLLRDBAND). */
export const EPOLLRDBAND = 0x80;
/** EPOLLWRNORM: normal data writable (0x100, POLLWRNORM). */
export const EPOLLWRNORM = 0x100;
/** EPOLLWRBAND: priority band data writable (0x200, POLLWRBAND). */
export const EPOLLWRBAND = 0x200;
/** EPOLLMSG: unused by Linux (0x400); accepted and never reported. */
export const EPOLLMSG = 0x400;
/** EPOLLRDHUP: the stream peer shut down writing, or closed (0x2000). */
export const EPOLLRDHUP = 0x2000;
/** EPOLLEXCLUSIVE: exclusive wakeup among sets watching one fd (1 << 28); ADD only, else EINVAL (epoll_ctl(2)). */
export const EPOLLEXCLUSIVE = 0x10000000;
/** EPOLLWAKEUP: keep a wakeup source active while the event is pending (1 << 29); dropped without CAP_BLOCK_SUSPEND. */
export const EPOLLWAKEUP = 0x20000000;
/** EPOLLONESHOT: disarm the item after one event; re-arm with EPOLL_CTL_MOD (1 << 30). */
export const EPOLLONESHOT = 0x40000000;
/** EPOLLET: edge-triggered (1 << 31), as the unsigned value the kernel's `__poll_t` holds (events are reported `>>> 0`). */
export const EPOLLET = 0x80000000;

// epoll_ctl operations. EPOLL_CTL_DISABLE is the 2012 proposal (never merged), see docs/API.md.
/** epoll_ctl(2) op: register fd (EEXIST if already registered). */
export const EPOLL_CTL_ADD = 1;
/** epoll_ctl(2) op: deregister fd (ENOENT if not registered); the event is ignored. */
export const EPOLL_CTL_DEL = 2;
/** epoll_ctl(2) op: change the events and data of a registered fd (ENOENT if not registered). */
export const EPOLL_CTL_MOD = 3;
/** epoll_ctl op extension (the 2012 proposal): stop queueing events; 0 if the item was ready (now removed), else EBUSY. */
export const EPOLL_CTL_DISABLE = 4;

/** epoll_create1(2) flag: close-on-exec (= O_CLOEXEC, 0x80000). */
export const EPOLL_CLOEXEC = 0x80000;

// errno values (include/uapi/asm-generic/errno-base.h, errno.h).
/** EPERM 1: Operation not permitted; also epoll_ctl on a file epoll cannot watch. */
export const EPERM = 1;
/** ENOENT 2: No such file or directory. */
export const ENOENT = 2;
/** ESRCH 3: No such process. */
export const ESRCH = 3;
/** EINTR 4: Interrupted system call; a signal interrupted a blocking call (never restarted here). */
export const EINTR = 4;
/** EIO 5: I/O error. */
export const EIO = 5;
/** ENXIO 6: No such device or address. */
export const ENXIO = 6;
/** E2BIG 7: Argument list too long. */
export const E2BIG = 7;
/** ENOEXEC 8: Exec format error. */
export const ENOEXEC = 8;
/** EBADF 9: Bad file descriptor. */
export const EBADF = 9;
/** ECHILD 10: No child processes. */
export const ECHILD = 10;
/** EAGAIN 11: Try again (resource temporarily unavailable; = EWOULDBLOCK); also where the synchronous layer would have to sleep with the real clock. */
export const EAGAIN = 11;
/** ENOMEM 12: Out of memory; also the core hit maxMemoryBytes. */
export const ENOMEM = 12;
/** EACCES 13: Permission denied. */
export const EACCES = 13;
/** EFAULT 14: Bad address; here: an unreadable argument or unwritable output. */
export const EFAULT = 14;
/** ENOTBLK 15: Block device required. */
export const ENOTBLK = 15;
/** EBUSY 16: Device or resource busy; also EPOLL_CTL_DISABLE on an item not on the ready list. */
export const EBUSY = 16;
/** EEXIST 17: File exists. */
export const EEXIST = 17;
/** EXDEV 18: Cross-device link. */
export const EXDEV = 18;
/** ENODEV 19: No such device. */
export const ENODEV = 19;
/** ENOTDIR 20: Not a directory. */
export const ENOTDIR = 20;
/** EISDIR 21: Is a directory. */
export const EISDIR = 21;
/** EINVAL 22: Invalid argument. */
export const EINVAL = 22;
/** ENFILE 23: File table overflow. */
export const ENFILE = 23;
/** EMFILE 24: Too many open files; RLIMIT_NOFILE (options.maxFds) reached. */
export const EMFILE = 24;
/** ENOTTY 25: Not a typewriter. */
export const ENOTTY = 25;
/** ETXTBSY 26: Text file busy. */
export const ETXTBSY = 26;
/** EFBIG 27: File too large. */
export const EFBIG = 27;
/** ENOSPC 28: No space left on device; also max_user_watches reached. */
export const ENOSPC = 28;
/** ESPIPE 29: Illegal seek. */
export const ESPIPE = 29;
/** EROFS 30: Read-only file system. */
export const EROFS = 30;
/** EMLINK 31: Too many links. */
export const EMLINK = 31;
/** EPIPE 32: Broken pipe. */
export const EPIPE = 32;
/** EDOM 33: Math argument out of domain of func. */
export const EDOM = 33;
/** ERANGE 34: Math result not representable. */
export const ERANGE = 34;
/** EDEADLK 35: Resource deadlock would occur; here also: a wait that nothing could ever end. */
export const EDEADLK = 35;
/** ENAMETOOLONG 36: File name too long. */
export const ENAMETOOLONG = 36;
/** ENOLCK 37: No record locks available. */
export const ENOLCK = 37;
/** ENOSYS 38: Invalid system call number. */
export const ENOSYS = 38;
/** ENOTEMPTY 39: Directory not empty. */
export const ENOTEMPTY = 39;
/** ELOOP 40: Too many symbolic links encountered; also epoll nesting too deep or a cycle. */
export const ELOOP = 40;
/** ENODATA 61: No data available. */
export const ENODATA = 61;
/** ETIME 62: Timer expired. */
export const ETIME = 62;
/** ENOPKG 65: Package not installed. */
export const ENOPKG = 65;
/** EOVERFLOW 75: Value too large for defined data type. */
export const EOVERFLOW = 75;
/** ENOTSOCK 88: Socket operation on non-socket. */
export const ENOTSOCK = 88;
/** EPROTOTYPE 91: Protocol wrong type for socket. */
export const EPROTOTYPE = 91;
/** EPROTONOSUPPORT 93: Protocol not supported. */
export const EPROTONOSUPPORT = 93;
/** EOPNOTSUPP 95: Operation not supported on transport endpoint. */
export const EOPNOTSUPP = 95;
/** EAFNOSUPPORT 97: Address family not supported by protocol. */
export const EAFNOSUPPORT = 97;
/** ECONNRESET 104: Connection reset by peer. */
export const ECONNRESET = 104;
/** ENOTCONN 107: Transport endpoint is not connected. */
export const ENOTCONN = 107;
/** ESOCKTNOSUPPORT 94: Socket type not supported. */
export const ESOCKTNOSUPPORT = 94;
/** ETIMEDOUT 110: Connection timed out. */
export const ETIMEDOUT = 110;
/** EMSGSIZE 90: Message too long (a datagram larger than the send buffer allows). */
export const EMSGSIZE = 90;
/** EDESTADDRREQ 89: Destination address required (a send on an unconnected datagram socket). */
export const EDESTADDRREQ = 89;
/** ECONNABORTED 103: Software caused connection abort. */
export const ECONNABORTED = 103;
/** ENOPROTOOPT 92: Protocol not available (an unknown socket option). */
export const ENOPROTOOPT = 92;
/** EADDRINUSE 98: Address already in use. */
export const EADDRINUSE = 98;
/** EADDRNOTAVAIL 99: Cannot assign requested address. */
export const EADDRNOTAVAIL = 99;
/** ENETUNREACH 101: Network is unreachable. */
export const ENETUNREACH = 101;
/** EISCONN 106: Transport endpoint is already connected. */
export const EISCONN = 106;
/** ECONNREFUSED 111: Connection refused. */
export const ECONNREFUSED = 111;
/** EALREADY 114: Operation already in progress. */
export const EALREADY = 114;
/** EINPROGRESS 115: Operation now in progress. */
export const EINPROGRESS = 115;

// Signals (x86-64 numbers) and sigprocmask's `how`.
/** SIGHUP 1: hangup. */
export const SIGHUP = 1;
/** SIGINT 2: interrupt (Ctrl-C). */
export const SIGINT = 2;
/** SIGQUIT 3: quit. */
export const SIGQUIT = 3;
/** SIGKILL 9: kill (cannot be caught or blocked). */
export const SIGKILL = 9;
/** SIGUSR1 10: user-defined signal 1. */
export const SIGUSR1 = 10;
/** SIGUSR2 12: user-defined signal 2. */
export const SIGUSR2 = 12;
/** SIGPIPE 13: write to a pipe or socket with no reader. */
export const SIGPIPE = 13;
/** SIGALRM 14: timer signal. */
export const SIGALRM = 14;
/** SIGTERM 15: termination request. */
export const SIGTERM = 15;
/** SIGCHLD 17: a child stopped or terminated. */
export const SIGCHLD = 17;
/** SIGCONT 18: continue if stopped. */
export const SIGCONT = 18;
/** SIGSTOP 19: stop (cannot be caught or blocked). */
export const SIGSTOP = 19;
/** SA_RESTART: calls a handled signal interrupts are restarted where Linux restarts them. */
export const SA_RESTART = 0x10000000;
/** SA_NODEFER: the signal is not blocked while its handler runs. */
export const SA_NODEFER = 0x40000000;
/** SA_RESETHAND: the disposition goes back to the default when the handler is called. */
export const SA_RESETHAND = 0x80000000;
/** SFD_NONBLOCK: a non-blocking signalfd (= O_NONBLOCK). */
export const SFD_NONBLOCK = 0x800;
/** SFD_CLOEXEC: a close-on-exec signalfd (= O_CLOEXEC). */
export const SFD_CLOEXEC = 0x80000;
/** SIG_BLOCK 0: sigprocmask adds the set to the blocked signals. */
export const SIG_BLOCK = 0;
/** SIG_UNBLOCK 1: sigprocmask removes the set from the blocked signals. */
export const SIG_UNBLOCK = 1;
/** SIG_SETMASK 2: sigprocmask replaces the blocked signals with the set. */
export const SIG_SETMASK = 2;

// File, fd, eventfd, socket, timerfd, memfd and poll constants (x86-64 values).
/** O_NONBLOCK (0x800): non-blocking I/O; fcntl(2) F_SETFL, pipe2(2) flag. */
export const O_NONBLOCK = 0x800;
/** O_CLOEXEC (0x80000): close-on-exec; pipe2(2), dup3(2) flag. */
export const O_CLOEXEC = 0x80000;
/** O_DIRECT (0x4000): pipe2(2) packet mode (each write is one packet). */
export const O_DIRECT = 0x4000;
/** eventfd(2) flag: a read takes 1 instead of the whole counter. */
export const EFD_SEMAPHORE = 1;
/** eventfd(2) flag: O_NONBLOCK. */
export const EFD_NONBLOCK = 0x800;
/** eventfd(2) flag: O_CLOEXEC. */
export const EFD_CLOEXEC = 0x80000;
/** socket(2) type: a byte stream (AF_UNIX SOCK_STREAM is modelled). */
export const SOCK_STREAM = 1;
/** socket(2)/socketpair(2)/accept4(2) type flag: O_NONBLOCK on the new socket(s). */
export const SOCK_NONBLOCK = 0x800;
/** socket(2)/socketpair(2)/accept4(2) type flag: O_CLOEXEC on the new fd(s). */
export const SOCK_CLOEXEC = 0x80000;
/** Unix domain sockets (AF_LOCAL). */
export const AF_UNIX = 1;
/** shutdown(2) how: no more reads. */
export const SHUT_RD = 0;
/** shutdown(2) how: no more writes (the peer reads end of file, sees EPOLLRDHUP). */
export const SHUT_WR = 1;
/** shutdown(2) how: no more reads or writes. */
export const SHUT_RDWR = 2;
/** timerfd_create(2) clock: wall-clock time. */
export const CLOCK_REALTIME = 0;
/** timerfd_create(2) clock: monotonic time (kernel.now()). */
export const CLOCK_MONOTONIC = 1;
/** timerfd_create(2) flag: O_NONBLOCK. */
export const TFD_NONBLOCK = 0x800;
/** timerfd_create(2) flag: O_CLOEXEC. */
export const TFD_CLOEXEC = 0x80000;
/** timerfd_settime(2) flag: `it_value` is an absolute time on the timer's clock. */
export const TFD_TIMER_ABSTIME = 1;
/** timerfd_settime(2) flag: accepted; the model never sets its clocks, so no timer is cancelled. */
export const TFD_TIMER_CANCEL_ON_SET = 2;
/** timerfd_create(2) clock: monotonic time including suspend. */
export const CLOCK_BOOTTIME = 7;
/** fcntl(2) cmd: duplicate onto the lowest free fd >= arg. */
export const F_DUPFD = 0;
/** fcntl(2) cmd: get the fd flags (FD_CLOEXEC). */
export const F_GETFD = 1;
/** fcntl(2) cmd: set the fd flags (FD_CLOEXEC). */
export const F_SETFD = 2;
/** fcntl(2) cmd: get the file status flags (O_NONBLOCK, …). */
export const F_GETFL = 3;
/** fcntl(2) cmd: set the file status flags (O_NONBLOCK, O_DIRECT, …). */
export const F_SETFL = 4;
/** fcntl(2) cmd: F_DUPFD with FD_CLOEXEC set on the new fd. */
export const F_DUPFD_CLOEXEC = 1030;
/** fcntl(2) fd flag: close-on-exec. */
export const FD_CLOEXEC = 1;
/** memfd_create(2) flag: O_CLOEXEC. */
export const MFD_CLOEXEC = 1;
/** memfd_create(2) flag: allow seals (accepted; seals are not modelled). */
export const MFD_ALLOW_SEALING = 2;
/** poll(2) POLLIN: readable (same bit as EPOLLIN). */
export const POLLIN = 0x1;
/** poll(2) POLLPRI: urgent data (same bit as EPOLLPRI). */
export const POLLPRI = 0x2;
/** poll(2) POLLOUT: writable (same bit as EPOLLOUT). */
export const POLLOUT = 0x4;
/** poll(2) POLLERR: error; reported without being requested. */
export const POLLERR = 0x8;
/** poll(2) POLLHUP: hang-up; reported without being requested. */
export const POLLHUP = 0x10;
/** poll(2) POLLNVAL: the fd is not open. */
export const POLLNVAL = 0x20;
/** poll(2) POLLRDNORM: normal data readable. */
export const POLLRDNORM = 0x40;
/** poll(2) POLLRDBAND: priority band data readable. */
export const POLLRDBAND = 0x80;
/** poll(2) POLLWRNORM: normal data writable. */
export const POLLWRNORM = 0x100;
/** poll(2) POLLWRBAND: priority band data writable. */
export const POLLWRBAND = 0x200;
/** PIPE_BUF: writes of at most this many bytes to a pipe are atomic (pipe(7)); capacity is 65536. */
export const PIPE_BUF = 4096;
/** O_ACCMODE: the access-mode bits of the file status flags. */
export const O_ACCMODE = 3;
/** O_RDONLY: open for reading only. */
export const O_RDONLY = 0;
/** O_WRONLY: open for writing only. */
export const O_WRONLY = 1;
/** O_RDWR: open for reading and writing. */
export const O_RDWR = 2;
/** O_LARGEFILE (0x8000): set on every file a 64-bit process opens. */
export const O_LARGEFILE = 0x8000;
/** O_NOTIFICATION_PIPE (0x80, = O_EXCL): pipe2(2) notification pipe (needs CONFIG_WATCH_QUEUE). */
export const O_NOTIFICATION_PIPE = 0x80;
/** memfd_create(2) flag: a hugetlbfs file. */
export const MFD_HUGETLB = 4;
/** memfd_create(2) flag: not executable, sealed against becoming so. */
export const MFD_NOEXEC_SEAL = 8;
/** memfd_create(2) flag: executable. */
export const MFD_EXEC = 0x10;
/** memfd_create(2): the longest name, in bytes. */
export const MFD_NAME_MAX = 249;
/** timerfd_create(2) clock: CLOCK_REALTIME that wakes a suspended system. */
export const CLOCK_REALTIME_ALARM = 8;
/** timerfd_create(2) clock: CLOCK_BOOTTIME that wakes a suspended system. */
export const CLOCK_BOOTTIME_ALARM = 9;
/** AF_UNSPEC: no family (connect(2) with it dissolves an association). */
export const AF_UNSPEC = 0;
/** AF_INET: IPv4. */
export const AF_INET = 2;
/** AF_INET6: IPv6. */
export const AF_INET6 = 10;
/** The page size, and a pipe buffer's. */
export const PAGE_SIZE = 4096;
/** A pipe's default number of buffers (its capacity is 16 pages). */
export const PIPE_DEF_BUFFERS = 16;
/** socket(2) type: datagrams (not modelled yet). */
export const SOCK_DGRAM = 2;
/** socket(2) type: sequenced packets (not modelled yet). */
export const SOCK_SEQPACKET = 5;
/** IPPROTO_TCP: the protocol of AF_INET/AF_INET6 SOCK_STREAM; also getsockopt's TCP level. */
export const IPPROTO_TCP = 6;
/** IPPROTO_UDP: the protocol of AF_INET/AF_INET6 SOCK_DGRAM. */
export const IPPROTO_UDP = 17;
/** send/recv flag: out-of-band data (not modelled: EOPNOTSUPP). */
export const MSG_OOB = 0x1;
/** recv flag: return data without removing it from the queue. */
export const MSG_PEEK = 0x2;
/** recv flag: report a datagram's real length; ignored on AF_UNIX streams. */
export const MSG_TRUNC = 0x20;
/** send/recv flag: this call does not block (as O_NONBLOCK). */
export const MSG_DONTWAIT = 0x40;
/** recv flag: on a stream, block until the whole length arrives (or EOF, an error, a signal). */
export const MSG_WAITALL = 0x100;
/** send flag: no SIGPIPE on a broken connection (EPIPE only). */
export const MSG_NOSIGNAL = 0x4000;
/** recvmsg msg.flags: passed files were dropped (no room for them in the fd table). */
export const MSG_CTRUNC = 0x8;
/** recvmsg flag: FD_CLOEXEC on the fds received with SCM_RIGHTS. */
export const MSG_CMSG_CLOEXEC = 0x40000000;
/** The most fds one SCM_RIGHTS message may carry (SCM_MAX_FD). */
export const SCM_MAX_FD = 253;
/** getsockopt/setsockopt level of the socket options. */
export const SOL_SOCKET = 1;
/** Socket option: allow reusing a local address (stored; AF_UNIX ignores it). */
export const SO_REUSEADDR = 2;
/** Socket option (read-only): the socket type. */
export const SO_TYPE = 3;
/** Socket option (read-only): the pending error, cleared by reading it. */
export const SO_ERROR = 4;
/** Socket option: the send buffer size (set: doubled, bounded by wmem_max). */
export const SO_SNDBUF = 7;
/** Socket option: the receive buffer size (set: doubled, bounded by rmem_max). */
export const SO_RCVBUF = 8;
/** Socket option: keepalive (stored). */
export const SO_KEEPALIVE = 9;
/** Socket option: allow binding several sockets to one port (stored; AF_UNIX ignores it). */
export const SO_REUSEPORT = 15;
/** Socket option: the receive low-water mark (stored). */
export const SO_RCVLOWAT = 18;
/** Socket option (read-only): 1 on a listening socket. */
export const SO_ACCEPTCONN = 30;
/** IPPROTO_IPV6: the level of IPv6 socket options. */
export const IPPROTO_IPV6 = 41;
/** IPv6 option (level IPPROTO_IPV6): a socket bound to :: takes IPv6 only. */
export const IPV6_V6ONLY = 26;
/** SOL_SOCKET option: the socket's protocol (read-only). */
export const SO_PROTOCOL = 38;
/** SOL_SOCKET option: the socket's address family (read-only). */
export const SO_DOMAIN = 39;
/** TCP option (level IPPROTO_TCP): no Nagle delay. */
export const TCP_NODELAY = 1;
/** ioctl(2) request: bytes ready to read (SIOCINQ). */
export const FIONREAD = 0x541b;
/** net.core.somaxconn: listen(2) backlogs above it are cut to it. */
export const SOMAXCONN = 4096;
