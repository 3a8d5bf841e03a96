// Models fs/timerfd.c: a timer delivered through a file. Expiry (timerfd_triggered) bumps
// `ticks` and wakes the wait queue with EPOLLIN; a periodic timer is not re-armed by the
// expiry itself but by the read that consumes it, which also counts the intervals that
// went by (hrtimer_forward_now), so an unread periodic timer wakes its watchers once.
import { CLOCK_REALTIME, CLOCK_REALTIME_ALARM, EAGAIN, EINVAL, EPOLLIN, O_RDWR, TFD_TIMER_ABSTIME } from "../uapi.js";
import { OpenFile, pollWait, type PollTable } from "../kernel/file.js";
import { WaitQueueHead } from "../kernel/waitqueue.js";
import { Timer, type TimerQueue } from "../kernel/timers.js";
import type { Clock } from "../kernel/clock.js";


export interface ItimerNs {
  value: bigint;
  interval: bigint;
}

export class TimerFdFile extends OpenFile {
  readonly kind = "timerfd";
  readonly wqh = new WaitQueueHead();
  ticks = 0n;
  expired = false;
  interval = 0n;
  private readonly timer: Timer;

  constructor(readonly clockid: number, flags: number, private readonly clock: Clock, private readonly timers: TimerQueue) {
    super(O_RDWR | flags);
    this.timer = new Timer(() => this.triggered());
  }

  /** Now on this timer's clock (REALTIME differs from MONOTONIC/BOOTTIME by the boot offset). */
  private now(): bigint {
    const mono = this.clock.now();
    return this.clockid === CLOCK_REALTIME || this.clockid === CLOCK_REALTIME_ALARM ? mono + this.clock.bootRealtimeNs : mono;
  }
  /** Converts an expiry on this timer's clock to the monotonic time the timer queue uses. */
  private toMono(t: bigint): bigint {
    return this.clockid === CLOCK_REALTIME || this.clockid === CLOCK_REALTIME_ALARM ? t - this.clock.bootRealtimeNs : t;
  }

  private triggered(): void {
    this.expired = true;
    this.ticks++;
    this.wqh.wakeUp(EPOLLIN, 1);
  }

  /** Time to the last programmed expiry (0 once past or never armed), and the interval. */
  remaining(): ItimerNs {
    const value = this.timer.expires - this.clock.now();
    return { value: value > 0n ? value : 0n, interval: this.interval };
  }

  /** timerfd_gettime: a periodic timer that expired unread is forwarded, counting overruns. */
  gettime(): ItimerNs {
    if (this.expired && this.interval) {
      this.expired = false;
      this.ticks += this.forward() - 1n;
    }
    return this.remaining();
  }

  /** timerfd_settime: returns the old setting; resets ticks; arms (or disarms for value 0). */
  settime(flags: number, value: bigint, interval: bigint): ItimerNs {
    // A periodic timer that expired unread is forwarded first, so the old value is right.
    if (this.expired && this.interval) this.forward();
    const old = this.remaining();
    this.timers.cancel(this.timer);
    this.timer.expires = 0n;
    this.expired = false;
    this.ticks = 0n;
    this.interval = interval;
    if (value !== 0n) {
      const expires = flags & TFD_TIMER_ABSTIME ? this.toMono(value) : this.clock.now() + value;
      this.timers.arm(this.timer, expires);
      // An absolute time already past fires at once.
      if (expires <= this.clock.now()) this.timers.runDue(this.clock.now());
    }
    return old;
  }

  /**
   * hrtimer_forward_now + hrtimer_restart: move the expiry past now by whole intervals and
   * re-arm; returns how many intervals that took (the expirations that went by).
   */
  private forward(): bigint {
    const now = this.clock.now();
    let expires = this.timer.expires;
    let n = 0n;
    if (now >= expires) {
      n = (now - expires) / this.interval + 1n;
      expires += n * this.interval;
    }
    this.timers.arm(this.timer, expires);
    return n;
  }

  override poll(pt: PollTable | null): number {
    pollWait(pt, this.wqh);
    return this.ticks ? EPOLLIN : 0;
  }

  override read(buf: Uint8Array, count: number): number {
    if (count < 8) return -EINVAL;
    // MODEL: a blocking read of an unexpired timer returns -EAGAIN in the synchronous layer.
    if (this.ticks === 0n) return -EAGAIN;
    let ticks = this.ticks;
    if (this.expired && this.interval) ticks += this.forward() - 1n;
    this.expired = false;
    this.ticks = 0n;
    new DataView(buf.buffer, buf.byteOffset, 8).setBigUint64(0, ticks, true);
    return 8;
  }

  override waitHead(dir: "read" | "write") {
    return dir === "read" ? { head: this.wqh, exclusive: false } : null;
  }

  override release(): void {
    this.timers.cancel(this.timer);
  }
}
