// The syscalls that can sleep, each written once (pause.ts): kernel.sys (src/sys.ts) and
// threads (src/thread-sys.ts) run these same bodies.
export { epoll_ctl, epoll_wait, epoll_wait_into, epoll_pwait, epoll_pwait2 } from "./epoll.js";
export { poll } from "./poll.js";
export { read, write } from "./io.js";
export { nanosleep, usleep } from "./time.js";
export { close, dup2, dup3 } from "./fd.js";
export { socket, bind, listen, connect, accept, accept4, getsockname, getpeername, send, sendto, recv, recvfrom, setsockopt, getsockopt, ioctl, unlink, sendmsg, recvmsg } from "./socket.js";
export { getpid, gettid, kill, tgkill, sigaction, sigprocmask, sigpending, signalfd, exit } from "./signal.js";
