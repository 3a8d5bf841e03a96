// Models fs/signalfd.c: signals read as records. A signalfd has a mask; it is readable while
// a signal of the mask is pending for the task that looks — its own pending set or the
// process's, so the same signalfd can be readable in one thread and not in another (Linux's
// signalfd_poll and signalfd_read use `current`). A read takes the pending signals of the
// mask, lowest first, as 128-byte struct signalfd_siginfo records; the signals are then
// consumed (no handler runs for them). Its wait queue is the process's signalfd_wqh, which
// every queued signal wakes.
import { EAGAIN, EINVAL, EPOLLIN, O_RDWR } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import type { Signals, SigTask } from "../kernel/signals.js";

/** sizeof(struct signalfd_siginfo). */
export const SIGINFO_SIZE = 128;

export class SignalFdFile extends OpenFile {
  readonly kind = "signalfd";
  constructor(
    /** The signals it reports (bit sig - 1; never SIGKILL or SIGSTOP). */
    public mask: bigint,
    flags: number,
    private readonly signals: Signals,
    /** The task making the call now (the thread running, or the main thread). */
    private readonly current: () => SigTask
  ) {
    super(O_RDWR | flags);
  }

  override poll(pt: PollTable | null): number {
    pollWait(pt, this.signals.signalfdWq);
    const t = this.current();
    return (t.pending | this.signals.shared) & this.mask ? EPOLLIN : 0;
  }

  override read(buf: Uint8Array, count: number): number {
    if (count < SIGINFO_SIZE) return -EINVAL;
    const t = this.current();
    let n = 0;
    while (n + SIGINFO_SIZE <= count) {
      const got = this.signals.dequeue(t, this.mask);
      if (!got) break;
      const rec = new DataView(buf.buffer, buf.byteOffset + n, SIGINFO_SIZE);
      for (let i = 0; i < SIGINFO_SIZE; i += 4) rec.setUint32(i, 0);
      rec.setUint32(0, got.sig, true); // ssi_signo
      rec.setInt32(8, got.info.code, true); // ssi_code
      rec.setUint32(12, got.info.pid, true); // ssi_pid
      rec.setUint32(16, 0, true); // ssi_uid: root
      n += SIGINFO_SIZE;
    }
    return n || -EAGAIN;
  }

  override waitHead(dir: "read" | "write") {
    return dir === "read" ? { head: this.signals.signalfdWq, exclusive: false } : null;
  }
}
