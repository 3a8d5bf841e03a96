// What a thread's step touched, for the exhaustive search's pruning (sleep sets): two steps
// of different threads commute when neither writes an object the other touches, and then
// only one of their two orders needs exploring.
//
// A step runs from the moment the scheduler picks a thread to the next scheduling point. Its
// footprint is every object it read or changed, conservatively:
//   - an open file it reached through an fd, or that the core polled or woke on its behalf
//     (a write's wakeup reaching an epoll set counts as a change of that set);
//   - an fd slot it looked up (read) or changed, and "fdalloc" when any slot changed (a new
//     fd takes the lowest free number, which depends on every slot);
//   - for the objects a file shares with others, one key for the whole: both ends of a
//     pipe are its pipe; every socket is "net" (peers, ports, names); timerfds share
//     "timers"; signalfds, every signal call, a signal's delivery, SIGPIPE and a thread's
//     end share "signals"; every epoll set is "epoll" (a set's poll reads nested sets in
//     the core); epoll_ctl, epoll_create and a watched file's release share "watches"
//     (max_user_watches, the core's memory); the process's end is "global";
//   - a call this module does not know touches "global", which conflicts with everything;
//   - everything the thread's call in progress has touched since it began, again at each
//     of its later steps (a call that slept resumes with the files it had resolved).
// What the explorer cannot see is JavaScript state the scenario's threads share (a variable
// both change): steps that commute in the kernel may not commute there. `prune: false`
// turns the pruning off for such scenarios.
import type { FootprintSink, HookThread } from "../kernel/hooks.js";
import type { Thread } from "../kernel/sched.js";
import { PipeFile } from "../files/pipe.js";
import { SocketFile } from "../files/socket.js";
import { InetSocketFile } from "../files/inet-sock.js";
import { TimerFdFile } from "../files/timerfd.js";
import { SignalFdFile } from "../files/signalfd.js";
import { EpollFile } from "../files/epoll.js";

/** Object key → true when written. */
export type Footprint = Map<string, boolean>;

/** Calls whose effects are all on the files and fds they name (their keys come from those). */
const LOCAL_CALLS = new Set([
  "read", "write", "close", "dup", "dup2", "dup3", "fcntl", "fdinfo", "ioctl", "pipe", "pipe2", "eventfd", "eventfd2",
  "memfd_create", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_wait_into", "epoll_pwait", "epoll_pwait2",
  "poll", "shutdown", "socketpair", "socket", "bind", "listen", "connect", "accept", "accept4", "getsockname", "getpeername",
  "send", "sendto", "sendmsg", "recv", "recvfrom", "recvmsg", "setsockopt", "getsockopt", "nanosleep", "usleep", "getpid",
  "gettid", "timerfd_create",
]);
/** Calls that touch a shared object besides their files. */
const SHARED_CALLS: Record<string, string> = {
  socket: "net", bind: "net", unlink: "net", listen: "net", connect: "net", accept: "net", accept4: "net", socketpair: "net",
  timerfd_settime: "timers", timerfd_gettime: "timers", timerfd_create: "timers",
  kill: "signals", tgkill: "signals", tkill: "signals", sigaction: "signals", rt_sigaction: "signals", sigprocmask: "signals",
  rt_sigprocmask: "signals", sigpending: "signals", signalfd: "signals", signalfd4: "signals", epoll_pwait: "signals",
  epoll_pwait2: "signals",
  // The watch count (max_user_watches) and the core's memory budget are shared by every set.
  epoll_ctl: "watches", epoll_create: "watches", epoll_create1: "watches",
};

export class FootprintRecorder implements FootprintSink {
  /** The thread whose step is running (null between runs or outside threads). */
  private current: Thread | null = null;
  private step: Footprint = new Map();
  /** What each thread's call in progress has touched since it began. */
  private readonly calls = new Map<number, Footprint>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  touch(what: object | string, write: boolean): void {
    if (typeof what === "string") {
      if (what.startsWith("call:")) return this.callBegins(what.slice(5));
      return this.add(what, write);
    }
    if (what instanceof PipeFile) return this.add(`pipe${this.idOf(what.pipe)}`, true);
    if (what instanceof SocketFile || what instanceof InetSocketFile) return this.add("net", true);
    if (what instanceof SignalFdFile) return this.add("signals", true);
    // One key for every epoll set: a set's poll reads the sets nested in it inside the core,
    // where no footprint is taken.
    if (what instanceof EpollFile) return this.add("epoll", true);
    if (what instanceof TimerFdFile) this.add("timers", true);
    this.add(`file${this.idOf(what)}`, true);
  }

  /** The step of the running thread ends: its footprint. */
  endStep(): Footprint {
    const done = this.step;
    this.current = null;
    this.step = new Map();
    return done;
  }

  /** `t`'s step begins: it carries what its call in progress has touched. */
  beginStep(t: Thread): void {
    this.current = t;
    const c = this.calls.get(t.id);
    if (c) this.step = new Map(c);
  }

  /** `t`'s call returned: later steps no longer carry what it touched. */
  callEnded(t: HookThread | null): void {
    if (t) this.calls.delete(t.id);
  }

  private callBegins(name: string): void {
    const t = this.current;
    if (t) this.calls.set(t.id, new Map());
    const shared = SHARED_CALLS[name];
    if (shared) this.add(shared, true);
    if (!LOCAL_CALLS.has(name) && !shared) this.add("global", true);
  }

  private add(key: string, write: boolean): void {
    if (write || !this.step.has(key)) this.step.set(key, write);
    const t = this.current;
    if (t) {
      const c = this.calls.get(t.id);
      if (c && (write || !c.has(key))) c.set(key, write);
    }
  }

  private idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }
}

/** Whether two steps commute: no object one writes is touched by the other. */
export function independent(a: Footprint, b: Footprint): boolean {
  if (a.has("global") || b.has("global")) return false;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const [k, w] of small) {
    const o = big.get(k);
    if (o !== undefined && (o || w)) return false;
  }
  return true;
}
