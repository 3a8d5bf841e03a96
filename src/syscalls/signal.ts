// The signal calls (kernel/signal.c), written once for kernel.sys and threads: getpid,
// gettid, kill, tgkill, sigaction, sigprocmask, sigpending, and exit. The caller's task is
// its thread, or the main thread for kernel.sys (src/kernel/signals.ts).
import * as U from "../uapi.js";
import { ALL_SIGNALS, SA_NODEFER, SA_RESETHAND, SA_RESTART, UNBLOCKABLE, type Disposition, type SigTask } from "../kernel/signals.js";
import { writableArray } from "../usermem.js";
import { isCInt, isCUint } from "./args.js";
import type { Caller } from "./pause.js";
import { SignalFdFile } from "../files/signalfd.js";

const task = (c: Caller): SigTask => c.thread ?? c.p.main;
const validSig = (sig: unknown): sig is number => isCInt(sig) && sig >= 1 && sig <= 64;
const ALL = ALL_SIGNALS;

/** getpid(2): the process id (MODEL: always 1000; threads are 1001, 1002, …). */
export function getpid(c: Caller): number {
  return c.p.main.tid;
}

/** gettid(2): the caller's thread id (the main thread's is the pid). */
export function gettid(c: Caller): number {
  return task(c).tid;
}

/**
 * kill(2) of this process (pid = getpid(), 0 or -1: the only process there is): the signal
 * goes to the process, a thread that does not block it takes it. Signal 0 only checks. Another
 * pid: ESRCH.
 */
export function kill(c: Caller, pid: number, sig: number): number {
  if (!isCInt(pid) || !isCInt(sig)) return -U.EINVAL; // MODEL: C has no non-integers
  if (sig < 0 || sig > 64) return -U.EINVAL;
  if (pid !== c.p.main.tid && pid !== 0 && pid !== -1) return -U.ESRCH;
  if (sig === 0) return 0;
  c.p.signals.sendToProcess(sig);
  return 0;
}

/** tgkill(2): the signal to one thread of this process (tgid = getpid(), tid = its gettid()). */
export function tgkill(c: Caller, tgid: number, tid: number, sig: number): number {
  if (!isCInt(tgid) || !isCInt(tid) || !isCInt(sig)) return -U.EINVAL;
  if (tgid <= 0 || tid <= 0 || sig < 0 || sig > 64) return -U.EINVAL;
  if (tgid !== c.p.main.tid) return -U.ESRCH;
  const t: SigTask | undefined = tid === c.p.main.tid ? c.p.main : c.p.sched.threads.find((x) => x.tid === tid && x.state !== "done");
  if (!t) return -U.ESRCH;
  if (sig === 0) return 0;
  c.p.signals.sendToTask(t, sig);
  return 0;
}

/**
 * sigaction(2): `action` is "default", "ignore" or `{ handler, flags?, mask? }` (flags
 * SA_RESTART, SA_NODEFER, SA_RESETHAND); null only reads. `oldOut` (an array) gets the old
 * disposition in [0]. EINVAL for a bad signal, SIGKILL or SIGSTOP, or an action that is none of those.
 */
export function sigaction(c: Caller, sig: number, action: Disposition | null, oldOut: unknown[] | null): number {
  if (!validSig(sig)) return -U.EINVAL;
  let d: Disposition | null = null;
  if (action !== null && action !== undefined) {
    if (action === "default" || action === "ignore") d = action;
    else if (typeof action === "object") {
      let handler: unknown, flags: unknown, mask: unknown;
      try {
        ({ handler, flags, mask } = action);
      } catch {
        return -U.EFAULT;
      }
      if (typeof handler !== "function") return -U.EINVAL;
      if (flags !== undefined && !isCUint(flags)) return -U.EINVAL;
      if (mask !== undefined && typeof mask !== "bigint") return -U.EINVAL;
      d = { handler: handler as (s: number) => void, flags: ((flags as number | undefined) ?? 0) & (SA_RESTART | SA_NODEFER | SA_RESETHAND), mask: ((mask as bigint | undefined) ?? 0n) & ALL };
    } else return -U.EINVAL;
  }
  const s = c.p.signals;
  if (d !== null && (sig === U.SIGKILL || sig === U.SIGSTOP)) return -U.EINVAL;
  const old = s.action(sig);
  if (oldOut !== null && oldOut !== undefined) {
    if (!writableArray(oldOut)) return -U.EFAULT;
    try {
      oldOut[0] = old;
    } catch {
      return -U.EFAULT;
    }
  }
  if (d !== null) s.setAction(sig, d);
  return 0;
}

/**
 * sigprocmask(2) of the calling thread: how SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK with `set`
 * (a bigint, bit sig - 1; null: only read); `oldOut[0]` gets the old mask. SIGKILL and
 * SIGSTOP are never blocked. Signals it unblocks are handled as the call returns.
 */
export function sigprocmask(c: Caller, how: number, set: bigint | null, oldOut: unknown[] | null): number {
  const t = task(c);
  if (set !== null && set !== undefined) {
    if (typeof set !== "bigint") return -U.EFAULT;
    if (how !== U.SIG_BLOCK && how !== U.SIG_UNBLOCK && how !== U.SIG_SETMASK) return -U.EINVAL;
  }
  if (oldOut !== null && oldOut !== undefined) {
    if (!writableArray(oldOut)) return -U.EFAULT;
    try {
      oldOut[0] = t.sigmask;
    } catch {
      return -U.EFAULT;
    }
  }
  if (set === null || set === undefined) return 0;
  const m = set & ALL & ~UNBLOCKABLE;
  t.sigmask = how === U.SIG_BLOCK ? t.sigmask | m : how === U.SIG_UNBLOCK ? t.sigmask & ~m : m;
  c.p.signals.recalc(t);
  return 0;
}

/** sigpending(2): the signals pending for the caller (its own and the process's) that it blocks, in out[0]. */
export function sigpending(c: Caller, out: unknown[]): number {
  if (!writableArray(out)) return -U.EFAULT;
  const t = task(c);
  try {
    out[0] = (t.pending | c.p.signals.shared) & t.sigmask;
  } catch {
    return -U.EFAULT;
  }
  return 0;
}

/**
 * signalfd4(2): a new signalfd for `mask` (fd -1), or a new mask for an existing one (its
 * fd); flags SFD_NONBLOCK, SFD_CLOEXEC. EINVAL for other flags or an fd that is no
 * signalfd, EBADF for a closed fd. SIGKILL and SIGSTOP are never in the mask.
 */
export function signalfd(c: Caller, fd: number, mask: bigint, flags: number): number {
  if (!isCInt(fd) || !isCInt(flags)) return -U.EINVAL;
  if (typeof mask !== "bigint") return -U.EFAULT;
  if (flags & ~(U.O_NONBLOCK | U.O_CLOEXEC)) return -U.EINVAL;
  const m = mask & ALL & ~UNBLOCKABLE;
  const p = c.p;
  if (fd !== -1) {
    const f = p.fdt.get(fd);
    if (!f) return -U.EBADF;
    if (!(f instanceof SignalFdFile)) return -U.EINVAL;
    f.mask = m;
    p.signals.signalfdWq.wakeUp(0, 0); // watchers re-check against the new mask
    return fd;
  }
  if (p.fdt.findFree() < 0) return -U.EMFILE;
  const f = new SignalFdFile(m, flags & U.O_NONBLOCK, p.signals, () => p.sched.current ?? p.main);
  return p.fdt.install(p.track(f), (flags & U.O_CLOEXEC) !== 0);
}

/**
 * send_sig(SIGPIPE, current): a write or send that found no reader — a pipe, an AF_UNIX or
 * TCP stream — raises SIGPIPE on the caller (unless MSG_NOSIGNAL; the caller checks), so
 * its handler runs, or its default action ends the process, before the call returns -EPIPE.
 */
export function raiseSigpipe(c: Caller): void {
  c.p.fdt.fp?.touch("signals", true);
  c.p.signals.sendToTask(task(c), U.SIGPIPE, { code: 0 /* SI_USER */, pid: c.p.main.tid });
}

/** exit_group(2): the process ends with `code` (& 0xff): every thread stops. */
export function exit(c: Caller, code: number): number {
  if (!isCInt(code)) return -U.EINVAL; // MODEL: C has no non-integers
  c.p.signals.exit({ code: code & 0xff });
  c.p.signals.dirty = true; // the return to user space ends the caller (ProcessExited)
  return 0;
}
