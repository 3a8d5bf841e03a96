// The idiomatic API: class Epoll, EpollError (Node's SystemError shape), file handles.
import * as E from "../src/index";
import { newKernel } from "./helpers";

test("add / wait / modify / delete with handles and EpollError", async () => {
  const k = newKernel();
  const [rd, wr] = k.pipe({ nonblock: true });
  using ep = k.epoll();
  ep.add(rd, E.EPOLLIN | E.EPOLLET, 7n);
  expect(await ep.wait({ timeout: 0 })).toEqual([]);
  expect(wr.write("hi")).toBe(2);
  expect(await ep.wait()).toEqual([{ events: E.EPOLLIN, data: 7n }]);
  expect(new TextDecoder().decode(rd.read())).toBe("hi");
  let err: unknown;
  try {
    ep.add(rd, E.EPOLLIN);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(E.EpollError);
  expect(err).toMatchObject({ code: "EEXIST", errno: -17, syscall: "epoll_ctl", message: "EEXIST: file already exists, epoll_ctl" });
  ep.modify(rd.fd, E.EPOLLOUT); // data defaults to the fd
  ep.delete(rd);
  expect(() => ep.delete(rd)).toThrow(expect.objectContaining({ code: "ENOENT" }));
  expect(() => rd.read()).toThrow(expect.objectContaining({ code: "EAGAIN", syscall: "read" }));
  expect(() => ep.add("3" as unknown as number, E.EPOLLIN)).toThrow(TypeError);
  expect(() => ep.add(rd, NaN)).toThrow(TypeError);
  await expect(ep.wait({ maxEvents: 0 })).rejects.toThrow(TypeError);
  rd.close();
  wr.close();
});

test("wait sleeps until a timer fires (virtual clock); EDEADLK when nothing can wake it", async () => {
  const k = newKernel();
  const ep = k.epoll();
  const tfd = k.timerFd({ nonblock: true });
  ep.add(tfd, E.EPOLLIN, 1);
  tfd.set({ afterMs: 25 });
  expect(await ep.wait()).toEqual([{ events: E.EPOLLIN, data: 1n }]);
  expect(k.now()).toBe(25000000n);
  expect(tfd.ticks()).toBe(1n);
  expect(await ep.wait({ timeout: 10 })).toEqual([]);
  expect(k.now()).toBe(35000000n);
  await expect(ep.wait()).rejects.toMatchObject({ code: "EDEADLK", syscall: "epoll_wait" });
  ep.close();
  tfd.close();
});

test("for await yields events until nothing can come; an AbortSignal rejects a wait", async () => {
  const k = newKernel();
  const ep = k.epoll();
  const efd = k.eventFd(0, { nonblock: true });
  ep.add(efd, E.EPOLLIN | E.EPOLLET, 3);
  const tfd = k.timerFd();
  tfd.set({ afterMs: 5, intervalMs: 5 });
  ep.add(tfd, E.EPOLLIN | E.EPOLLET, 4);
  efd.add(2);
  const seen: bigint[] = [];
  for await (const ev of ep.events({ timeout: 12 })) {
    seen.push(ev.data);
    if (ev.data === 4n) tfd.ticks();
    if (seen.length === 3) tfd.set({ afterMs: 0 }); // disarm: the next wait times out
  }
  expect(seen).toEqual([3n, 4n, 4n]); // the eventfd once (ET), the timer at 5 and 10 ms
  expect(k.now()).toBe(22000000n); // 10 ms, then a 12 ms wait that timed out
  const ac = new AbortController();
  const p = ep.wait({ signal: ac.signal, timeout: 1000 });
  ac.abort(new Error("stop"));
  await expect(p).rejects.toThrow("stop");
  ep.close();
  tfd.close();
  efd.close();
});

test("socket pairs and eventfd handles", () => {
  const k = newKernel();
  const [a, b] = k.socketPair({ nonblock: true });
  a.write("ping");
  expect(new TextDecoder().decode(b.read())).toBe("ping");
  a.shutdown("write");
  expect(b.read().length).toBe(0); // EOF
  const e = k.eventFd(5, { semaphore: true, nonblock: true });
  expect(e.take()).toBe(1n);
  e.add(10n);
  expect(e.take()).toBe(1n);
  for (const h of [a, b, e]) h[Symbol.dispose]();
  expect(k.fdt.fds()).toEqual([0, 1, 2]);
});

test("maxEvents may be EP_MAX_EVENTS itself (INT_MAX / 12), on every wait path; one more is refused", async () => {
  // Linux 6.18: epoll_wait(ep, buf, 178956970, 0) with one ready item returns 1; 178956971
  // gives EINVAL (checked with a C program on this machine).
  const EP_MAX = 178956970;
  const k = newKernel();
  const [rd, wr] = k.pipe({ nonblock: true });
  using ep = k.epoll();
  ep.add(rd, E.EPOLLIN, 5n);
  wr.write("x");
  expect(await ep.wait({ maxEvents: EP_MAX, timeout: 0 })).toEqual([{ events: E.EPOLLIN, data: 5n }]);
  await expect(ep.wait({ maxEvents: EP_MAX + 1 })).rejects.toThrow(TypeError);
  const t = k.spawn(async (ts) => {
    const out: E.EpollEvent[] = [];
    return [await ts.epoll_pwait(ep.fd, out, EP_MAX, 0, null), out.length, await ts.epoll_pwait(ep.fd, out, EP_MAX + 1, 0, null)];
  });
  const joined = t.join();
  await k.run();
  expect(await joined).toEqual([1, 1, -E.EINVAL]);
  rd.close();
  wr.close();
});
