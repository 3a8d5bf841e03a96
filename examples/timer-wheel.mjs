// A timer wheel on timerfds: several timers with different periods (and one-shots) in one
// epoll set. The loop sleeps in wait() -- on the virtual clock, time jumps straight to the
// next expiry -- and reads each timerfd's expiration count. A slow handler makes a
// periodic timer expire several times before it is read: the count shows the overrun.
// Run: npm run build && node examples/timer-wheel.mjs
import { createKernel, EPOLLIN } from "epoll-wasm";

const kernel = await createKernel();      // the virtual clock is the default
const ep = kernel.epoll();
const ms = () => String(kernel.now() / 1_000_000n).padStart(4) + " ms";

// name, first expiry, period (0 = one-shot)
const specs = [
  ["heartbeat", 100, 100],
  ["flush", 250, 250],
  ["timeout", 330, 0],
  ["report", 600, 0],
];
const timers = specs.map(([name, afterMs, intervalMs], id) => {
  const t = kernel.timerFd({ nonblock: true });
  t.set({ afterMs, intervalMs });
  ep.add(t, EPOLLIN, id);                 // data = index into timers
  return { name, t };
});

while (kernel.now() < 1_000_000_000n) {
  // Sleep until the next timer fires, but never past 1 s of virtual time.
  const left = Number(1_000_000_000n - kernel.now()) / 1e6;
  const events = await ep.wait({ timeout: Math.ceil(left) });
  if (events.length === 0) console.log(`${ms()}  (wait timed out)`);
  for (const ev of events) {
    const { name, t } = timers[Number(ev.data)];
    const ticks = t.ticks();              // expirations since the last read
    console.log(`${ms()}  ${name.padEnd(9)} fired` + (ticks > 1n ? ` x${ticks} (overrun: ${ticks - 1n} missed)` : ""));
    if (name === "timeout") {
      // A handler that blocks for 350 ms: the heartbeat keeps expiring meanwhile.
      console.log(`${ms()}  timeout handler works for 350 ms...`);
      kernel.sys.usleep(350_000);         // advances the virtual clock; timers keep counting
    }
    if (name === "report") {
      timers[1].t.set({ afterMs: 0 });    // disarm "flush" (its 750 ms expiry never comes)
      console.log(`${ms()}  report was due at 600 ms; flush disarmed`);
    }
  }
}
for (const { t } of timers) t.close();    // closing a timerfd also removes it from the set
console.log(`done at ${ms().trim()}, ${kernel.inspect(ep.fd).items.length} timers left in the set`);
ep.close();
