// The WASI (preview 1) imports wasi-libc itself uses: stdio's fd_write/fd_read (on the
// kernel's fds, so printf after dup2 goes where Linux would send it), argv and environ,
// the kernel's clocks, proc_exit, a random source drawn from the kernel's seed. Any other
// WASI function answers ENOSYS. WASI numbers its errors its own way: the few the kernel's
// calls return here are translated.
import * as U from "../uapi.js";
import type { GuestKernel as Kernel } from "./kernel-view.js";
import type { Coroutine, Coroutines } from "./coroutine.js";
import { directCalls } from "../thread-sys.js";
import type { GuestMemory } from "./memory.js";

/** WASI errno values (wasi_snapshot_preview1). */
const W = { SUCCESS: 0, AGAIN: 6, BADF: 8, FAULT: 21, INTR: 27, INVAL: 28, IO: 29, NOSYS: 52, PIPE: 64, SPIPE: 70 } as const;
const fromLinux = (r: number): number =>
  r === -U.EAGAIN ? W.AGAIN : r === -U.EBADF ? W.BADF : r === -U.EFAULT ? W.FAULT : r === -U.EINTR ? W.INTR : r === -U.EINVAL ? W.INVAL : r === -U.EPIPE ? W.PIPE : W.IO;

export interface WasiOptions {
  args: string[];
  env: string[];
  seed: number;
  exit(code: number): never;
}

export function makeWasi(kernel: Kernel, m: GuestMemory, co: Coroutines, o: WasiOptions): Record<string, (...a: never[]) => unknown> {
  const enc = new TextEncoder();
  const args = o.args.map((a) => enc.encode(a + "\0"));
  const env = o.env.map((a) => enc.encode(a + "\0"));
  let rnd = (o.seed ^ 0x9e3779b9) >>> 0 || 1;
  const sysOf = (c: Coroutine) => (c.inHandler > 0 || c.sys === null ? kernel.sys : directCalls(c.sys));
  const then = (r: number | Promise<number>, f: (v: number) => number) => (typeof r === "number" ? f(r) : r.then(f));

  const strings = (list: Uint8Array[]) => ({
    sizes: (countp: number, sizep: number): number => {
      if (!m.ok(countp, 4) || !m.ok(sizep, 4)) return W.FAULT;
      m.setI32(countp, list.length);
      m.setI32(sizep, list.reduce((s, a) => s + a.length, 0));
      return W.SUCCESS;
    },
    get: (ptrs: number, buf: number): number => {
      let at = buf;
      for (let i = 0; i < list.length; i++) {
        if (!m.ok(ptrs + 4 * i, 4) || !m.ok(at, list[i].length)) return W.FAULT;
        m.setI32(ptrs + 4 * i, at);
        m.set(at, list[i]);
        at += list[i].length;
      }
      return W.SUCCESS;
    },
  });
  const a = strings(args), e = strings(env);

  /** struct ciovec[n] -> [base, len] pairs, or null if out of memory. */
  const iovs = (p: number, n: number): [number, number][] | null => {
    if (!m.ok(p, n * 8)) return null;
    const r: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const base = m.u32(p + 8 * i), len = m.u32(p + 8 * i + 4);
      if (!m.ok(base, len)) return null;
      r.push([base, len]);
    }
    return r;
  };

  const blocking = {
    fd_write: (c: Coroutine, fd: number, iovp: number, n: number, nwritten: number) => {
      const v = iovs(iovp, n);
      if (!v || !m.ok(nwritten, 4)) return W.FAULT;
      const total = v.reduce((s, [, l]) => s + l, 0);
      const buf = new Uint8Array(total);
      let at = 0;
      for (const [base, len] of v) buf.set(m.copy(base, len), at), (at += len);
      return then(sysOf(c).write(fd, buf, total), (r) => (r < 0 ? fromLinux(r) : (m.setI32(nwritten, r), W.SUCCESS)));
    },
    fd_read: (c: Coroutine, fd: number, iovp: number, n: number, nread: number) => {
      const v = iovs(iovp, n);
      if (!v || !m.ok(nread, 4)) return W.FAULT;
      const total = v.reduce((s, [, l]) => s + l, 0);
      const buf = new Uint8Array(total);
      return then(sysOf(c).read(fd, buf, total), (r) => {
        if (r < 0) return fromLinux(r);
        let at = 0;
        for (const [base, len] of v) {
          if (at >= r) break;
          const k = Math.min(len, r - at);
          m.set(base, buf.subarray(at, at + k));
          at += k;
        }
        m.setI32(nread, r);
        return W.SUCCESS;
      });
    },
    fd_close: (c: Coroutine, fd: number) => then(sysOf(c).close(fd), (r) => (r < 0 ? fromLinux(r) : W.SUCCESS)),
  };

  const wasi: Record<string, (...a: never[]) => unknown> = {};
  for (const [name, fn] of Object.entries(blocking)) wasi[name] = co.wrap(fn as (c: Coroutine, ...x: number[]) => number | Promise<number>, `wasi ${name}`);
  Object.assign(wasi, {
    args_sizes_get: a.sizes,
    args_get: a.get,
    environ_sizes_get: e.sizes,
    environ_get: e.get,
    // A character device without seek rights: isatty() holds, so stdout is line-buffered.
    fd_fdstat_get: (fd: number, p: number): number => {
      if (kernel.sys.fcntl(fd, U.F_GETFD) < 0) return W.BADF;
      if (!m.ok(p, 24)) return W.FAULT;
      m.u8.fill(0, p, p + 24);
      m.u8[p] = 2; // CHARACTER_DEVICE
      m.setU64(p + 8, 0x1fffffffn & ~(0x4n | 0x20n)); // every right but fd_seek and fd_tell
      return W.SUCCESS;
    },
    fd_fdstat_set_flags: (): number => W.NOSYS,
    fd_seek: (): number => W.SPIPE,
    fd_prestat_get: (): number => W.BADF, // no preopened directories: WASI files are not the kernel's
    fd_prestat_dir_name: (): number => W.BADF,
    clock_time_get: (id: number, _precision: bigint, p: number): number => {
      if (!m.ok(p, 8)) return W.FAULT;
      m.setU64(p, id === 0 ? kernel.clock.realtime() : kernel.now());
      return W.SUCCESS;
    },
    clock_res_get: (_id: number, p: number): number => (m.ok(p, 8) ? (m.setU64(p, 1n), W.SUCCESS) : W.FAULT),
    random_get: (p: number, n: number): number => {
      if (!m.ok(p, n)) return W.FAULT;
      for (let i = 0; i < n; i++) {
        rnd ^= rnd << 13;
        rnd ^= rnd >>> 17;
        rnd ^= rnd << 5;
        m.u8[(p >>> 0) + i] = rnd & 0xff;
      }
      return W.SUCCESS;
    },
    proc_exit: (code: number): never => o.exit(code),
    sched_yield: (): number => W.SUCCESS,
  });
  return wasi;
}

/** Fills in every other import of a module's wasi_snapshot_preview1 with an ENOSYS stub. */
export function stubMissing(module: WebAssembly.Module, wasi: Record<string, unknown>): void {
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === "wasi_snapshot_preview1" && imp.kind === "function" && !(imp.name in wasi)) wasi[imp.name] = () => W.NOSYS;
  }
}
