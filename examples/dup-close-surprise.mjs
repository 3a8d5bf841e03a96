// The dup/close surprise, written the way a C programmer would write it against the raw
// syscalls (kernel.sys: numbers in, numbers out, -errno on failure).
// An epoll registration belongs to the (open file description, fd number) pair, and it
// lives as long as the open file description does -- not as long as the fd number.
// So: register fd, dup it, close the original; events keep arriving tagged with the closed
// number, EPOLL_CTL_DEL on that number fails, and only closing the last dup removes it.
// See epoll(7), "Q6: Will closing a file descriptor cause it to be removed from all epoll
// interest lists?"  Run: npm run build && node examples/dup-close-surprise.mjs
import { createKernel, errnoName, EPOLLIN, EPOLL_CTL_ADD, EPOLL_CTL_DEL, O_NONBLOCK } from "epoll-wasm";

const kernel = await createKernel();
const sys = kernel.sys;
const printf = (s) => process.stdout.write(s + "\n");
const rv = (r) => (r < 0 ? `-1 ${errnoName(r)}` : String(r));     // as strace shows it
/* log one call: "call = result  comment" with the results in one column */
const log = (call, r, note = "") => printf(`${call.padEnd(58)} = ${rv(r).padEnd(10)}${note && "/* " + note + " */"}`.trimEnd());
/* the interest list, as /proc/self/fdinfo/<epfd> shows it (one "tfd:" line per item) */
const fdinfo = () => printf(sys.fdinfo(epfd).split("\n").filter((l) => l.startsWith("tfd:")).map((l) => "    " + l.split("  pos")[0]).join("\n") || "    (no items)");
const events = [];                                             /* struct epoll_event events[8]; */
const fds = [];                                                /* int fds[2]; */
let r;

const epfd = sys.epoll_create1(0);
log(`epfd = epoll_create1(0)`, epfd);
r = sys.pipe2(fds, O_NONBLOCK);
log(`pipe2(fds, O_NONBLOCK)`, r, `fds = {${fds[0]}, ${fds[1]}}`);
const rfd = fds[0], wfd = fds[1];
r = sys.epoll_ctl(epfd, EPOLL_CTL_ADD, rfd, { events: EPOLLIN, data: rfd });
log(`epoll_ctl(epfd, EPOLL_CTL_ADD, ${rfd}, {EPOLLIN, .data.fd = ${rfd}})`, r);
const dupfd = sys.dup(rfd);
log(`dupfd = dup(${rfd})`, dupfd);
r = sys.close(rfd);
log(`close(${rfd})`, r, `"so it's out of the set"...`);

r = sys.write(wfd, new TextEncoder().encode("x"), 1);
log(`write(${wfd}, "x", 1)`, r);
r = sys.epoll_wait(epfd, events, 8, 0);
log(`epoll_wait(epfd, events, 8, 0)`, r, `events[0].data.fd = ${events[0]?.data} -- closed!`);

r = sys.epoll_ctl(epfd, EPOLL_CTL_DEL, rfd, null);
log(`epoll_ctl(epfd, EPOLL_CTL_DEL, ${rfd}, NULL)`, r, `fd ${rfd} is not open`);
r = sys.epoll_ctl(epfd, EPOLL_CTL_DEL, dupfd, null);
log(`epoll_ctl(epfd, EPOLL_CTL_DEL, ${dupfd}, NULL)`, r, `fd ${dupfd} was never added`);

const efd = sys.eventfd(0, 0);                                 /* fd 4 is free: reused */
log(`efd = eventfd(0, 0)`, efd);
r = sys.epoll_ctl(epfd, EPOLL_CTL_ADD, efd, { events: EPOLLIN, data: 1000 + efd });
log(`epoll_ctl(epfd, EPOLL_CTL_ADD, ${efd}, {EPOLLIN, .data = ${1000 + efd}})`, r, `no EEXIST: another file`);
r = sys.epoll_ctl(epfd, EPOLL_CTL_DEL, efd, null);
log(`epoll_ctl(epfd, EPOLL_CTL_DEL, ${efd}, NULL)`, r, `removes the eventfd's item only`);
printf(`interest list of epfd ${epfd}:`); fdinfo();    /* still "tfd: 4", a closed number */
r = sys.epoll_wait(epfd, events, 8, 0);
log(`epoll_wait(epfd, events, 8, 0)`, r, `level-triggered: still data ${events[0]?.data}`);

r = sys.close(dupfd);
log(`close(${dupfd})`, r, `last reference to the pipe's read end`);
r = sys.epoll_wait(epfd, events, 8, 0);
log(`epoll_wait(epfd, events, 8, 0)`, r, `the item is gone at last`);
printf(`interest list of epfd ${epfd}:`); fdinfo();
sys.close(efd); sys.close(wfd); sys.close(epfd);
