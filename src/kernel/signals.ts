// Signals of a kernel's process (kernel/signal.c): dispositions (sighand), the process's
// shared pending set, each task's own pending set and mask, how a process-directed signal
// picks its thread (complete_signal), delivery at the return to user space (get_signal:
// ignore, the default action, or the handler with the signal blocked while it runs), and the
// end of the process when a default action terminates it.
//
// A task is a thread (kernel.spawn) or the main thread (kernel.sys). Invariant: a pending
// signal is never ignored by its disposition unless the target blocks it (sig_ignored drops
// such a signal when it is sent, and a handler changed to "ignore" discards it at once).
import { EINVAL, SIGKILL, SIGSTOP } from "../uapi.js";
import { WaitQueueHead } from "./waitqueue.js";

/** What a handler looks like to callers: `sigaction(sig, { handler, flags, mask })`. */
export interface SigHandler {
  /** Called with the signal number on the thread that takes it, before its interrupted call returns. */
  handler: (sig: number) => void;
  /** SA_RESTART, SA_NODEFER, SA_RESETHAND. */
  flags?: number;
  /** Signals blocked (bit sig - 1) while the handler runs, besides the signal itself. */
  mask?: bigint;
}
/** A signal's disposition: its default action, ignored, or a handler. */
export type Disposition = "default" | "ignore" | SigHandler;

export const SA_RESTART = 0x10000000;
export const SA_NODEFER = 0x40000000;
export const SA_RESETHAND = 0x80000000;

/** The signals whose default action is to be ignored (SIGCHLD, SIGCONT, SIGURG, SIGWINCH). */
const DEFAULT_IGNORE = new Set([17, 18, 23, 28]);
/** Stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU). MODEL: no job control; they are ignored. */
const DEFAULT_STOP = new Set([19, 20, 21, 22]);

export const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
/** SIGKILL and SIGSTOP: never blocked, caught or ignored. */
export const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);
/** Every signal, 1 … 64. */
export const ALL_SIGNALS = (1n << 64n) - 1n;

/** What a task carries: its own pending signals and its mask (struct task_struct). */
export interface SigTask {
  readonly tid: number;
  pending: bigint;
  sigmask: bigint;
  /** Signals whose handler ran on this task, in order. */
  readonly delivered: number[];
}

/** What a pending signal carries (struct kernel_siginfo: the part signalfd reports). */
export interface SigInfo {
  /** SI_USER (0, kill), SI_TKILL (-6, tgkill and pthread_kill). */
  code: number;
  /** The sender's process id (ours: there is one process). */
  pid: number;
}
export const SI_USER = 0, SI_TKILL = -6;

/** How the process ended. */
export type ExitStatus = { signal: number } | { code: number };

/**
 * Thrown by kernel.sys (and every call after the end) once the process has ended: a default
 * action terminated it, or exit() was called. A thread's call never returns instead.
 */
export class ProcessExited extends Error {
  /** From how the process ended. */
  constructor(
    /** How the process ended (kernel.exitStatus). */
    readonly status: ExitStatus
  ) {
    super(`the process exited (${"signal" in status ? `signal ${status.signal}` : `code ${status.code}`})`);
    this.name = "ProcessExited";
  }
}

export class Signals {
  readonly #actions: Disposition[] = new Array<Disposition>(65).fill("default");
  /** Pending process-directed signals (signal->shared_pending). */
  shared = 0n;
  /** Set once a default action terminated the process, or exit() ended it. */
  exitStatus: ExitStatus | null = null;
  /** Something may be deliverable: lets the return to user space skip the check. */
  dirty = false;
  /** sighand->signalfd_wqh: signalfds are woken when a signal is queued (signalfd_notify). */
  readonly signalfdWq = new WaitQueueHead();
  /** The siginfo of each pending signal (standard signals do not queue: the first one's). */
  readonly #info = new WeakMap<object, Map<number, SigInfo>>();
  readonly #sharedKey = {};

  constructor(
    /** The process's tasks: the main one first, then the threads (for complete_signal). */
    private readonly tasks: () => SigTask[],
    /** Whether any live task has a signal of its own pending (no allocation: it runs on every delivery). */
    private readonly anyTaskPending: () => boolean,
    /** Wake `task` if it sleeps interruptibly (signal_wake_up). */
    private readonly wakeTask: (task: SigTask) => void,
    /** The process ends: every thread stops. */
    private readonly onExit: (status: ExitStatus) => void
  ) {}

  action(sig: number): Disposition {
    return this.#actions[sig];
  }

  /** sigaction: the old disposition, or -EINVAL (SIGKILL and SIGSTOP keep theirs). */
  setAction(sig: number, d: Disposition): Disposition | number {
    if (sig < 1 || sig > 64) return -EINVAL;
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
    const old = this.#actions[sig];
    this.#actions[sig] = d;
    // POSIX: setting a pending signal to be ignored discards it, blocked or not.
    if (this.ignored(sig)) {
      this.shared &= ~bit(sig);
      for (const t of this.tasks()) t.pending &= ~bit(sig);
    }
    return old;
  }

  /** The disposition ignores the signal (SIG_IGN, or default whose action is to ignore). */
  ignored(sig: number): boolean {
    const d = this.#actions[sig];
    return d === "ignore" || (d === "default" && (DEFAULT_IGNORE.has(sig) || DEFAULT_STOP.has(sig)));
  }

  /** The default action terminates (and the disposition is the default). */
  private fatal(sig: number): boolean {
    return sig === SIGKILL || (this.#actions[sig] === "default" && !DEFAULT_IGNORE.has(sig) && !DEFAULT_STOP.has(sig));
  }

  /**
   * TIF_SIGPENDING: the tasks told to look at the process's pending signals — the one
   * complete_signal chose, or one whose mask change let a shared signal through
   * (recalc_sigpending). Another thread returning to user space leaves a shared signal
   * alone (checked on Linux 6.18: a thread's kill(getpid()) is handled by the main thread
   * waiting in pthread_join, not by the sender).
   */
  readonly #notified = new WeakSet<SigTask>();

  /** The process's pending signals `task` may take now (its TIF_SIGPENDING is set). */
  sharedFor(task: SigTask): bigint {
    return this.#notified.has(task) ? this.shared : 0n;
  }

  /** recalc_sigpending after `task`'s mask changed: it takes shared signals it now lets through. */
  recalc(task: SigTask): void {
    if (this.shared & ~task.sigmask) this.#notified.add(task);
    this.dirty = true;
  }

  /** Whether `task` has a signal it does not block pending (signal_pending). */
  pendingFor(task: SigTask): boolean {
    return ((task.pending | this.sharedFor(task)) & ~task.sigmask) !== 0n;
  }

  /**
   * send_signal to one task (tgkill, pthread_kill, SIGPIPE): dropped if its disposition
   * ignores it and the task does not block it; a fatal one ends the process at once
   * (complete_signal); otherwise pending on the task, which is woken.
   */
  sendToTask(task: SigTask, sig: number, info: SigInfo = { code: SI_TKILL, pid: 1000 }): void {
    if (this.exitStatus) return;
    const b = bit(sig);
    if (this.ignored(sig) && !(task.sigmask & b & ~UNBLOCKABLE)) return;
    if (this.fatal(sig) && !(task.sigmask & b & ~UNBLOCKABLE)) return this.exit({ signal: sig });
    // legacy_queue: a standard signal already pending is not queued again — and nothing is
    // woken (no signalfd_notify, no complete_signal).
    if (task.pending & b) return;
    this.#infoOf(task).set(sig, info);
    task.pending |= b;
    this.dirty = true;
    this.signalfdWq.wakeUp(0, 1);
    if (!(task.sigmask & b)) this.wakeTask(task);
  }

  #infoOf(key: object): Map<number, SigInfo> {
    let m = this.#info.get(key);
    if (!m) this.#info.set(key, (m = new Map()));
    return m;
  }

  /**
   * dequeue_signal for signalfd: the lowest signal of `mask` pending for `task` (its own
   * first, then the process's), taken off the pending set, with its siginfo; null if none.
   */
  dequeue(task: SigTask, mask: bigint): { sig: number; info: SigInfo } | null {
    for (const [key, set] of [[task, task.pending], [this.#sharedKey, this.shared]] as [object, bigint][]) {
      const ready = set & mask;
      if (!ready) continue;
      let sig = 1;
      while (!(ready & bit(sig))) sig++;
      if (key === task) task.pending &= ~bit(sig);
      else this.shared &= ~bit(sig);
      const m = this.#infoOf(key);
      const info = m.get(sig) ?? { code: SI_USER, pid: 1000 };
      m.delete(sig);
      return { sig, info };
    }
    return null;
  }

  /**
   * send_signal to the process (kill): pending on the shared set; complete_signal picks a
   * thread that does not block it — the main thread first, then the others in order — and
   * wakes it. Fatal and unblocked somewhere: the process ends.
   */
  sendToProcess(sig: number, info: SigInfo = { code: SI_USER, pid: 1000 }): void {
    if (this.exitStatus) return;
    const b = bit(sig);
    const tasks = this.tasks();
    const wants = tasks.find((t) => !(t.sigmask & b & ~UNBLOCKABLE));
    if (this.ignored(sig) && wants) return;
    if (this.fatal(sig) && wants) return this.exit({ signal: sig });
    if (this.shared & b) return; // legacy_queue, as above
    this.#infoOf(this.#sharedKey).set(sig, info);
    this.shared |= b;
    this.dirty = true;
    this.signalfdWq.wakeUp(0, 1);
    if (wants) {
      this.#notified.add(wants);
      this.wakeTask(wants);
    }
  }

  /** The process ends: the status is kept, the threads stop. */
  exit(status: ExitStatus): void {
    if (this.exitStatus) return;
    this.exitStatus = status;
    this.dirty = true; // every task's next return to user space ends it
    this.onExit(status);
  }

  /**
   * get_signal at the return to user space: deliver `task`'s deliverable signals, lowest
   * first (its own, then the shared ones). Returns whether every handler that ran allows a
   * restart (SA_RESTART), and whether any ran. Throws ProcessExited if the process ended.
   */
  deliver(task: SigTask): { handled: boolean; restart: boolean } {
    let handled = false, restart = true;
    for (;;) {
      if (this.exitStatus) throw new ProcessExited(this.exitStatus);
      const ready = (task.pending | this.sharedFor(task)) & ~task.sigmask;
      if (!ready) break;
      let sig = 1;
      while (!(ready & bit(sig))) sig++;
      const b = bit(sig);
      if (task.pending & b) task.pending &= ~b;
      else this.shared &= ~b;
      const d = this.#actions[sig];
      if (d === "ignore" || (d === "default" && (DEFAULT_IGNORE.has(sig) || DEFAULT_STOP.has(sig)))) continue;
      if (d === "default") {
        this.exit({ signal: sig });
        continue;
      }
      handled = true;
      const flags = d.flags ?? 0;
      if (!(flags & SA_RESTART)) restart = false;
      task.delivered.push(sig);
      if (flags & SA_RESETHAND) this.#actions[sig] = "default";
      const saved = task.sigmask;
      task.sigmask |= ((d.mask ?? 0n) | (flags & SA_NODEFER ? 0n : b)) & ~UNBLOCKABLE;
      try {
        d.handler(sig);
      } finally {
        task.sigmask = saved; // sigreturn: recalc_sigpending lets a shared signal through
        if (this.shared & ~task.sigmask) this.#notified.add(task);
      }
    }
    if (!(this.shared & ~task.sigmask)) this.#notified.delete(task);
    // Still dirty while anything is pending anywhere: another task's return must look too.
    this.dirty = this.shared !== 0n || this.anyTaskPending();
    return { handled, restart };
  }
}
