// Shared test helpers: a kernel on the core selected by the jest project (debug or
// release), and the after-test checks every suite runs.
import { createKernelSync, SIGPIPE, SIGUSR1, type Kernel, type KernelOptions, type EpollEvent } from "../src/index";

export const isDebugCore = () => process.env.EPOLL_WASM_CORE === "debug";

const live: Kernel[] = [];

/**
 * A fresh kernel on this project's core; checked and torn down after each test. As the C
 * programs these suites port (and check values with) do: SIGUSR1 has a handler (it does
 * nothing; thread.delivered records it), so it interrupts calls instead of ending the
 * process, and SIGPIPE is ignored, so a write to a closed pipe or socket returns EPIPE.
 * Pass `{ sigusr1: "default" }` for every default disposition.
 */
export function newKernel(options: KernelOptions = {}, sig: { sigusr1?: "default" | "handler" } = {}): Kernel {
  const k = createKernelSync(options);
  if (sig.sigusr1 !== "default") {
    k.sys.sigaction(SIGUSR1, { handler: () => {} });
    k.sys.sigaction(SIGPIPE, "ignore");
  }
  live.push(k);
  return k;
}

/** Invariant walk (debug core) + no leaked objects once every fd is closed. */
export function checkKernel(k: Kernel): void {
  if (isDebugCore()) expect(k.invariants()).toBe(0);
  else expect(k.invariants()).toBe(-38); // ENOSYS: the release core has no walker
}

afterEach(() => {
  for (const k of live.splice(0)) {
    if (k.dead) continue;
    checkKernel(k);
    k.fdt.closeAll();
    checkKernel(k);
    expect(k.liveObjects()).toEqual({ eventpoll: 0, epitem: 0, eppollEntry: 0, epitemsHead: 0, wakeupSource: 0 });
    expect(k.hostWaitEntries()).toBe(0);
    expect(k.userWatches()).toBe(0);
  }
});

/** epoll_wait with timeout 0 returning [count, events]. */
export function harvest(k: Kernel, epfd: number, maxevents = 64): EpollEvent[] | number {
  const out: EpollEvent[] = [];
  const n = k.sys.epoll_wait(epfd, out, maxevents, 0);
  return n < 0 ? n : out.slice(0, n);
}

/** Data tags (as numbers) of the events of one harvest. */
export function tags(k: Kernel, epfd: number, maxevents = 64): number[] {
  const r = harvest(k, epfd, maxevents);
  if (typeof r === "number") throw new Error(`epoll_wait failed: ${r}`);
  return r.map((e) => Number(e.data));
}

export const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);
