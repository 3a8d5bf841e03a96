// The WASI (preview 1) imports wasi-libc itself uses: stdio's fd_write/fd_read (on the
// kernel's fds, so printf after dup2 goes where Linux would send it), argv and environ,
// the kernel's clocks, proc_exit, a random source drawn from the kernel's seed. Any other
// WASI function answers ENOSYS.
// Errors: wasi-libc stores the error a WASI call returns into errno as it is, and the guest's
// headers give errno Linux's numbers, so the calls on the kernel's fds return Linux's errno
// (EPIPE is 32 to the program, as on Linux). Only where wasi-libc itself tests a WASI value
// (fd_prestat_get's BADF ends its scan of preopened directories) is the WASI number kept.
import * as U from "../uapi.js";
import type { GuestKernel as Kernel } from "./kernel-view.js";
import type { Coroutine, Coroutines } from "./coroutine.js";
import { atomicCalls } from "../thread-sys.js";
import { StdioFile } from "../files/stdio.js";
import type { GuestMemory } from "./memory.js";

/** WASI errno values (wasi_snapshot_preview1). */
const W = { SUCCESS: 0, BADF: U.EBADF, FAULT: U.EFAULT, NOSYS: U.ENOSYS, SPIPE: U.ESPIPE, WASI_BADF: 8 } as const;
/** A kernel call's -errno as the error a WASI call returns (Linux's number: see above). */
const fromLinux = (r: number): number => -r;

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
  // Atomic: a FILE's write or read is not interrupted by another thread (atomicCalls).
  const sysOf = (c: Coroutine) => (c.inHandler > 0 || c.sys === null ? kernel.sys : atomicCalls(c.sys));
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
    // The file's WASI type: a terminal is a character device without seek rights, which is
    // what wasi-libc's isatty() looks for (stdout is then line-buffered); sockets are sockets,
    // a memfd a regular file, the rest (pipes, epoll, eventfd, …) of no WASI type.
    fd_fdstat_get: (fd: number, p: number): number => {
      const f = kernel.fdt.get(fd);
      if (!f) return W.BADF;
      if (!m.ok(p, 24)) return W.FAULT;
      m.u8.fill(0, p, p + 24);
      m.u8[p] = f instanceof StdioFile ? (f.tty ? 2 : 0) : f.kind === "socket" ? 6 : f.kind === "memfd" ? 4 : 0;
      m.setU64(p + 8, 0x1fffffffn & ~(0x4n | 0x20n)); // every right but fd_seek and fd_tell
      return W.SUCCESS;
    },
    fd_fdstat_set_flags: (): number => W.NOSYS,
    fd_seek: (): number => W.SPIPE,
    fd_prestat_get: (): number => W.WASI_BADF, // no preopened directories: WASI files are not the kernel's
    fd_prestat_dir_name: (): number => W.WASI_BADF,
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
