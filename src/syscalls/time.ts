// nanosleep(2) and usleep(3), written once for kernel.sys and threads (see pause.ts): a thread
// sleeps on its own timer (-EINTR on a signal, never restarted); kernel.sys advances the
// virtual clock by the interval (timers fire on the way), or gets -EAGAIN on the real clock.
import * as U from "../uapi.js";
import { isInt, readTimespec, type Timespec } from "./args.js";
import { sleep, type Body, type Caller } from "./pause.js";

const NEVER = (): boolean => false;

/** nanosleep(2): sleeps for `req`. */
export function nanosleep(c: Caller, req: Timespec): number | Body {
  const ts = readTimespec(req);
  if (!ts) return -U.EFAULT;
  if (!ts.valid) return -U.EINVAL;
  return hrtimer_nanosleep(c, ts.ns);
}

/** usleep(3): nanosleep for `usec` microseconds (EINVAL if negative). */
export function usleep(c: Caller, usec: number): number | Body {
  if (!isInt(usec) || usec < 0) return -U.EINVAL;
  return hrtimer_nanosleep(c, BigInt(usec) * 1000n);
}

function* hrtimer_nanosleep(c: Caller, ns: bigint): Body {
  const deadline = c.p.now() + ns;
  c.arm(deadline);
  for (;;) {
    if (c.signalPending()) return c.interrupted();
    const woke = yield sleep(deadline, "nanosleep", NEVER);
    if (typeof woke === "number") return woke;
    if (woke === "timeout") return 0;
  }
}
