// Ports of gVisor's signalfd syscall tests (google/gvisor, test/syscalls/linux/signalfd.cc),
// rewritten against this package: Basic, MaskWorks, Cloexec, Blocking, ThreadGroup,
// Nonblock, SetMask, Poll and KillStillKills, each with the signal numbers the suite uses
// (SIGUSR1 and 64, SIGRTMAX). Like the suite's main(), every test blocks the signals first.
// The suite asserts what Linux does; RtQueueDeliversPayload (sigqueue's payload) is not
// ported: sigqueue and queued real-time signals are not modelled.
import * as E from "../../src/index";
import { newKernel } from "../helpers";

const { SIGUSR1, SIGUSR2, SIGKILL, SIG_BLOCK } = E;
const bit = (sig: number) => 1n << BigInt(sig - 1);
const SIGNOS: [string, number][] = [
  ["kSigno (SIGUSR1)", SIGUSR1],
  ["kSignoMax (64)", 64],
];
/** A kernel whose main thread blocks the suite's signals (threads inherit the mask). */
function setup() {
  const k = newKernel({}, { sigusr1: "default" });
  expect(k.sys.sigprocmask(SIG_BLOCK, bit(SIGUSR1) | bit(64) | bit(SIGUSR2), null)).toBe(0);
  return k;
}
const signo = (buf: Uint8Array, at = 0) => new DataView(buf.buffer).getUint32(at, true);

describe.each(SIGNOS)("SignalfdTest/%s", (_n, sig) => {
  test("Basic: a blocked signal sent to the thread is read from the signalfd", () => {
    const k = setup();
    const fd = k.sys.signalfd(-1, bit(sig), 0);
    expect(k.sys.tgkill(k.sys.getpid(), k.sys.gettid(), sig)).toBe(0);
    const b = new Uint8Array(128);
    expect(k.sys.read(fd, b, 128)).toBe(128);
    expect(signo(b)).toBe(sig);
  });

  test("MaskWorks: two signalfds with different masks each read only their own signal", () => {
    const k = setup();
    const fd1 = k.sys.signalfd(-1, bit(sig), 0);
    const fd2 = k.sys.signalfd(-1, bit(SIGUSR2), 0);
    expect(k.sys.tgkill(k.sys.getpid(), k.sys.gettid(), sig)).toBe(0);
    expect(k.sys.tgkill(k.sys.getpid(), k.sys.gettid(), SIGUSR2)).toBe(0);
    const b = new Uint8Array(128);
    expect(k.sys.read(fd2, b, 128)).toBe(128);
    expect(signo(b)).toBe(SIGUSR2);
    expect(k.sys.read(fd1, b, 128)).toBe(128);
    expect(signo(b)).toBe(sig);
  });

  test("Blocking: a thread blocked in read on the signalfd gets the signal sent to it", async () => {
    const k = setup();
    const fd = k.sys.signalfd(-1, bit(sig), 0);
    const reader = k.spawn(async (ts) => {
      const b = new Uint8Array(128);
      const n = await ts.read(fd, b, 128);
      return [n, signo(b)];
    }, "reader");
    k.spawn(async (ts) => {
      await ts.usleep(1000); // the reader is asleep in read by now
      expect(await ts.tgkill(await ts.getpid(), reader.tid, sig)).toBe(0);
    }, "sender");
    await k.run();
    expect(await reader.join()).toEqual([128, sig]);
  });

  test("ThreadGroup: a process-directed signal is read by a thread, and a second one by another", async () => {
    const k = setup();
    const fd = k.sys.signalfd(-1, bit(sig), 0);
    let second = false;
    const t = k.spawn(async (ts) => {
      const b = new Uint8Array(128);
      const n = await ts.read(fd, b, 128);
      while (!second) await ts.usleep(100); // until the other thread read the second one
      return [n, signo(b)];
    }, "t");
    const main = k.spawn(async (ts) => {
      expect(await ts.kill(await ts.getpid(), sig)).toBe(0);
      await ts.usleep(1000); // t takes the first
      expect(await ts.kill(await ts.getpid(), sig)).toBe(0);
      const b = new Uint8Array(128);
      const n = await ts.read(fd, b, 128);
      second = true;
      return [n, signo(b)];
    }, "main");
    await k.run();
    expect(await t.join()).toEqual([128, sig]);
    expect(await main.join()).toEqual([128, sig]);
  });

  test("Nonblock: EAGAIN with nothing pending, the record once one is, EAGAIN again", () => {
    const k = setup();
    const fd = k.sys.signalfd(-1, bit(sig), E.SFD_NONBLOCK);
    const b = new Uint8Array(128);
    expect(k.sys.read(fd, b, 128)).toBe(-E.EAGAIN);
    expect(k.sys.tgkill(k.sys.getpid(), k.sys.gettid(), sig)).toBe(0);
    expect(k.sys.read(fd, b, 128)).toBe(128);
    expect(signo(b)).toBe(sig);
    expect(k.sys.read(fd, b, 128)).toBe(-E.EAGAIN);
  });

  test("SetMask: a signal pending before the mask names it is read once it does", () => {
    const k = setup();
    const fd = k.sys.signalfd(-1, 0n, E.SFD_NONBLOCK);
    expect(k.sys.tgkill(k.sys.getpid(), k.sys.gettid(), sig)).toBe(0);
    const b = new Uint8Array(128);
    expect(k.sys.read(fd, b, 128)).toBe(-E.EAGAIN);
    expect(k.sys.signalfd(fd, bit(sig), 0)).toBe(fd);
    expect(k.sys.read(fd, b, 128)).toBe(128);
    expect(signo(b)).toBe(sig);
  });

  test("Poll: poll sleeps until another thread sends the signal (5 s later), then POLLIN", async () => {
    const k = setup();
    const fd = k.sys.signalfd(-1, bit(sig), 0);
    const poller = k.spawn(async (ts) => {
      const p = [{ fd, events: E.POLLIN, revents: 0 }];
      const n = await ts.poll(p, 1, 10000);
      const b = new Uint8Array(128);
      return [n, p[0].revents, k.now(), await ts.read(fd, b, 128)];
    }, "poller");
    k.spawn(async (ts) => {
      await ts.nanosleep({ tv_sec: 5, tv_nsec: 0 });
      expect(await ts.tgkill(await ts.getpid(), poller.tid, sig)).toBe(0);
    }, "sender");
    await k.run();
    expect(await poller.join()).toEqual([1, E.POLLIN, 5000000000n, 128]);
  });
});

test("Signalfd.Cloexec: SFD_CLOEXEC sets FD_CLOEXEC", () => {
  const k = setup();
  const fd = k.sys.signalfd(-1, 0n, E.SFD_CLOEXEC);
  expect(k.sys.fcntl(fd, E.F_GETFD)).toBe(E.FD_CLOEXEC);
});

test("Signalfd.KillStillKills: SIGKILL in the mask and the blocked set changes nothing — it still kills", async () => {
  const k = setup();
  const fd = k.sys.signalfd(-1, bit(SIGKILL), E.SFD_CLOEXEC);
  expect(fd).toBeGreaterThan(2);
  expect(k.sys.sigprocmask(SIG_BLOCK, bit(SIGKILL), null)).toBe(0);
  expect(() => k.sys.tgkill(k.sys.getpid(), k.sys.gettid(), SIGKILL)).toThrow(E.ProcessExited);
  expect(k.exitStatus).toEqual({ signal: SIGKILL });
});
