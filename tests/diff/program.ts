// Differential programs: a list of syscalls over raw fd numbers (the model allocates the
// lowest free fd from 3 exactly like Linux, so both sides see the same numbers).
// The text form (one op per line) is what tests/native/oracle.c reads; runModel() executes
// the same ops on a fresh model kernel through kernel.sys and prints the same result lines.
import { createKernelSync, type Kernel, type EpollEvent, type PollFd } from "../../src/index";
import type * as E from "../../src/index";

export type Op =
  | { op: "epc"; flags: number }
  | { op: "pipe"; flags: number }
  | { op: "efd"; init: number; flags: number }
  | { op: "memfd"; flags: number }
  /** socketpair(AF_UNIX, SOCK_STREAM | flags, 0, sv) */
  | { op: "sp"; flags: number }
  | { op: "shut"; fd: number; how: number }
  /** event null = NULL struct epoll_event pointer */
  | { op: "ctl"; epfd: number; ctl: number; fd: number; event: { events: number; data: bigint } | null }
  | { op: "wait"; epfd: number; max: number }
  | { op: "poll"; fds: { fd: number; events: number }[] }
  | { op: "read"; fd: number; n: number }
  /** n bytes: `val` as u64 little-endian (truncated if n < 8), then 0x5a fill */
  | { op: "write"; fd: number; n: number; val: bigint }
  | { op: "dup"; fd: number }
  | { op: "dup2"; oldfd: number; newfd: number }
  | { op: "close"; fd: number }
  | { op: "getfl"; fd: number }
  | { op: "setfl"; fd: number; flags: number }
  /** socket(AF_UNIX, SOCK_STREAM | flags, 0) */
  | { op: "sock"; flags: number }
  /** name: "@x" an abstract name, "-" the empty address (bind: autobind) */
  | { op: "bind"; fd: number; name: string }
  | { op: "conn"; fd: number; name: string }
  | { op: "listen"; fd: number; backlog: number }
  | { op: "acc"; fd: number; flags: number }
  | { op: "gsn"; fd: number }
  | { op: "gpn"; fd: number }
  | { op: "recv"; fd: number; n: number; flags: number }
  /** ioctl(FIONREAD) */
  | { op: "inq"; fd: number }
  /** socket / socketpair(AF_UNIX, type, 0): the type with its flags */
  | { op: "sockt"; type: number }
  | { op: "spt"; type: number }
  /** sendto of n bytes of 0x5a to name ("-": no address) */
  | { op: "sendto"; fd: number; n: number; flags: number; name: string }
  | { op: "recvfrom"; fd: number; n: number; flags: number }
  /** sendmsg of n bytes of 0x5a passing fd `pass` (SCM_RIGHTS) */
  | { op: "sendfd"; fd: number; n: number; pass: number }
  /** recvmsg: bytes, the fds received, MSG_TRUNC | MSG_CTRUNC */
  | { op: "recvfd"; fd: number; n: number; flags: number }
  /** socket(fam, type, 0): AF_INET (2) or AF_INET6 (10), SOCK_STREAM / SOCK_DGRAM with flags */
  | { op: "isock"; fam: number; type: number }
  /** setsockopt(fd, level, name, &val, sizeof(int)) */
  | { op: "sopt"; fd: number; level: number; name: number; val: number }
  /** getsockopt(fd, level, name, &int, &len): "0 V" */
  | { op: "gopt"; fd: number; level: number; name: number }
  /** sigaction(sig, mode): 0 default, 1 ignore, 2 a counting handler, 3 the same with SA_RESTART */
  | { op: "sigact"; sig: number; mode: number }
  /** kill(getpid(), sig) */
  | { op: "kill"; sig: number }
  /** tgkill(getpid(), gettid(), sig) */
  | { op: "tkill"; sig: number }
  /** sigprocmask(how, set, &old): "0 OLDHEX" */
  | { op: "mask"; how: number; set: bigint }
  /** sigpending: "0 HEX" */
  | { op: "pend" }
  /** the handler's counts since the last `hits` ("sig:n,…" or "-"), then reset */
  | { op: "hits" }
  /** signalfd(fd, mask, flags) */
  | { op: "sfd"; fd: number; mask: bigint; flags: number };

export type Program = Op[];

/** Largest events buffer of the oracle: maxevents is capped at this on both sides. */
export const MAX_EVENTS = 64;
/** Flags/masks as unsigned hex (the oracle casts back to the C type). */
const hex = (n: number | bigint) => "0x" + (typeof n === "bigint" ? BigInt.asUintN(64, n) : n >>> 0).toString(16);

export function opToLine(o: Op): string {
  switch (o.op) {
    case "epc": return `epc ${hex(o.flags)}`;
    case "pipe": return `pipe ${hex(o.flags)}`;
    case "efd": return `efd ${o.init} ${hex(o.flags)}`;
    case "memfd": return `memfd ${hex(o.flags)}`;
    case "sp": return `sp ${hex(o.flags)}`;
    case "shut": return `shut ${o.fd} ${o.how}`;
    case "ctl":
      return `ctl ${o.epfd} ${o.ctl} ${o.fd} ` + (o.event ? `${hex(o.event.events >>> 0)} ${o.event.data}` : "null");
    case "wait": return `wait ${o.epfd} ${o.max}`;
    case "poll": return ["poll", ...o.fds.map((p) => `${p.fd}:${hex(p.events)}`)].join(" ");
    case "read": return `read ${o.fd} ${o.n}`;
    case "write": return `write ${o.fd} ${o.n} ${hex(o.val)}`;
    case "dup": return `dup ${o.fd}`;
    case "dup2": return `dup2 ${o.oldfd} ${o.newfd}`;
    case "close": return `close ${o.fd}`;
    case "getfl": return `getfl ${o.fd}`;
    case "setfl": return `setfl ${o.fd} ${hex(o.flags)}`;
    case "sock": return `sock ${hex(o.flags)}`;
    case "bind": return `bind ${o.fd} ${o.name}`;
    case "conn": return `conn ${o.fd} ${o.name}`;
    case "listen": return `listen ${o.fd} ${o.backlog}`;
    case "acc": return `acc ${o.fd} ${hex(o.flags)}`;
    case "gsn": return `gsn ${o.fd}`;
    case "gpn": return `gpn ${o.fd}`;
    case "recv": return `recv ${o.fd} ${o.n} ${hex(o.flags)}`;
    case "inq": return `inq ${o.fd}`;
    case "sockt": return `sockt ${hex(o.type)}`;
    case "spt": return `spt ${hex(o.type)}`;
    case "sendto": return `sendto ${o.fd} ${o.n} ${hex(o.flags)} ${o.name}`;
    case "recvfrom": return `recvfrom ${o.fd} ${o.n} ${hex(o.flags)}`;
    case "sendfd": return `sendfd ${o.fd} ${o.n} ${o.pass}`;
    case "recvfd": return `recvfd ${o.fd} ${o.n} ${hex(o.flags)}`;
    case "isock": return `isock ${o.fam} ${hex(o.type)}`;
    case "sopt": return `sopt ${o.fd} ${o.level} ${o.name} ${o.val}`;
    case "gopt": return `gopt ${o.fd} ${o.level} ${o.name}`;
    case "sigact": return `sigact ${o.sig} ${o.mode}`;
    case "kill": return `kill ${o.sig}`;
    case "tkill": return `tkill ${o.sig}`;
    case "mask": return `mask ${o.how} ${hex(o.set)}`;
    case "pend": return "pend";
    case "hits": return "hits";
    case "sfd": return `sfd ${o.fd} ${hex(o.mask)} ${hex(o.flags)}`;
  }
}

export const programToText = (p: Program): string => p.map(opToLine).join("\n");

/** Parses the text form back (corpus replay, regression snippets). */
export function lineToOp(line: string): Op {
  const w = line.trim().split(/\s+/);
  const n = (i: number) => Number(w[i]) | 0; // C int arguments (hex flags wrap to signed)
  switch (w[0]) {
    case "epc": return { op: "epc", flags: n(1) };
    case "pipe": return { op: "pipe", flags: n(1) };
    case "efd": return { op: "efd", init: Number(w[1]), flags: n(2) };
    case "memfd": return { op: "memfd", flags: n(1) };
    case "sp": return { op: "sp", flags: n(1) };
    case "shut": return { op: "shut", fd: n(1), how: n(2) };
    case "ctl":
      return { op: "ctl", epfd: n(1), ctl: n(2), fd: n(3), event: w[4] === "null" ? null : { events: Number(w[4]) >>> 0, data: BigInt(w[5]) } };
    case "wait": return { op: "wait", epfd: n(1), max: n(2) };
    case "poll":
      return { op: "poll", fds: w.slice(1).map((s) => { const [fd, ev] = s.split(":"); return { fd: Number(fd), events: Number(ev) }; }) };
    case "read": return { op: "read", fd: n(1), n: n(2) };
    case "write": return { op: "write", fd: n(1), n: n(2), val: BigInt(w[3]) };
    case "dup": return { op: "dup", fd: n(1) };
    case "dup2": return { op: "dup2", oldfd: n(1), newfd: n(2) };
    case "close": return { op: "close", fd: n(1) };
    case "getfl": return { op: "getfl", fd: n(1) };
    case "setfl": return { op: "setfl", fd: n(1), flags: n(2) };
    case "sock": return { op: "sock", flags: n(1) };
    case "bind": return { op: "bind", fd: n(1), name: w[2] };
    case "conn": return { op: "conn", fd: n(1), name: w[2] };
    case "listen": return { op: "listen", fd: n(1), backlog: n(2) };
    case "acc": return { op: "acc", fd: n(1), flags: n(2) };
    case "gsn": return { op: "gsn", fd: n(1) };
    case "gpn": return { op: "gpn", fd: n(1) };
    case "recv": return { op: "recv", fd: n(1), n: n(2), flags: n(3) };
    case "inq": return { op: "inq", fd: n(1) };
    case "sockt": return { op: "sockt", type: n(1) };
    case "spt": return { op: "spt", type: n(1) };
    case "sendto": return { op: "sendto", fd: n(1), n: n(2), flags: n(3), name: w[4] };
    case "recvfrom": return { op: "recvfrom", fd: n(1), n: n(2), flags: n(3) };
    case "sendfd": return { op: "sendfd", fd: n(1), n: n(2), pass: n(3) };
    case "recvfd": return { op: "recvfd", fd: n(1), n: n(2), flags: n(3) };
    case "isock": return { op: "isock", fam: n(1), type: n(2) };
    case "sopt": return { op: "sopt", fd: n(1), level: n(2), name: n(3), val: n(4) };
    case "gopt": return { op: "gopt", fd: n(1), level: n(2), name: n(3) };
    case "sigact": return { op: "sigact", sig: n(1), mode: n(2) };
    case "kill": return { op: "kill", sig: n(1) };
    case "tkill": return { op: "tkill", sig: n(1) };
    case "mask": return { op: "mask", how: n(1), set: BigInt(w[2]) };
    case "pend": return { op: "pend" };
    case "hits": return { op: "hits" };
    case "sfd": return { op: "sfd", fd: n(1), mask: BigInt(w[2]), flags: n(3) };
    default: throw new Error(`unknown op line: ${line}`);
  }
}

export const textToProgram = (t: string): Program => t.split("\n").filter((l) => l.trim() !== "").map(lineToOp);

function fnv(b: Uint8Array, n: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

function writeBuf(n: number, val: bigint): Uint8Array {
  const b = new Uint8Array(n).fill(0x5a);
  for (let i = 0; i < Math.min(n, 8); i++) b[i] = Number((val >> BigInt(8 * i)) & 0xffn);
  return b;
}

/**
 * A program's port slots: an internet name "4la" means 127.0.0.1 at the port of slot a. The
 * first successful bind to a slot that has no port yet binds port 0 and gives the slot the
 * port it got; a connect or send to a slot without a port goes to port 1, where nothing
 * listens. Ports print as their slot ("a", "b"), "0", or "E" (another ephemeral port: Linux
 * picks them at random).
 */
export interface Ctx {
  slots: Record<string, number>;
  /** How often the counting handler ran, per signal, since the last `hits`. */
  hits: Map<number, number>;
}
export const newCtx = (): Ctx => ({ slots: {}, hits: new Map() });

/** Executes one op on the model; returns the oracle's result line for it. */
export function runOp(k: Kernel, o: Op, ctx: Ctx = newCtx()): string {
  const s = k.sys;
  switch (o.op) {
    case "epc": return String(s.epoll_create1(o.flags));
    case "pipe": {
      const fds: number[] = [];
      const r = s.pipe2(fds, o.flags);
      return r === 0 ? `0 ${fds[0]} ${fds[1]}` : String(r);
    }
    case "efd": return String(s.eventfd(o.init, o.flags));
    case "memfd": return String(s.memfd_create("m", o.flags));
    case "sp": {
      const sv: number[] = [];
      const r = s.socketpair(1 /* AF_UNIX */, 1 /* SOCK_STREAM */ | o.flags, 0, sv);
      return r === 0 ? `0 ${sv[0]} ${sv[1]}` : String(r);
    }
    case "shut": return String(s.shutdown(o.fd, o.how));
    case "ctl": return String(s.epoll_ctl(o.epfd, o.ctl, o.fd, o.event ? { events: o.event.events, data: o.event.data } : null));
    case "wait": {
      const out: EpollEvent[] = [];
      const r = s.epoll_wait(o.epfd, out, Math.min(o.max, MAX_EVENTS), 0);
      let line = String(r);
      for (let i = 0; i < r; i++) line += ` ${hex(out[i].events >>> 0)}:${BigInt.asUintN(64, out[i].data)}`;
      return line;
    }
    case "poll": {
      const fds: PollFd[] = o.fds.map((p) => ({ fd: p.fd, events: (p.events << 16) >> 16, revents: 0 }));
      const r = s.poll(fds, fds.length, 0);
      return r < 0 ? String(r) : [String(r), ...fds.map((p) => hex(p.revents & 0xffff))].join(" ");
    }
    case "read": {
      const buf = new Uint8Array(Math.max(o.n, 0));
      const r = s.read(o.fd, buf, o.n);
      if (r > 0 && k.fds().find((x) => x.fd === o.fd)?.kind === "signalfd") return `${r} ${siginfos(buf, r)}`;
      let line = String(r);
      if (r > 0) line += ` h=${fnv(buf, r)}`;
      if (r === 8) line += ` v=${new DataView(buf.buffer).getBigUint64(0, true)}`;
      return line;
    }
    case "write": return String(s.write(o.fd, writeBuf(o.n, o.val), o.n));
    case "dup": return String(s.dup(o.fd));
    case "dup2": return String(s.dup2(o.oldfd, o.newfd));
    case "close": return String(s.close(o.fd));
    case "getfl": {
      const r = s.fcntl(o.fd, 3 /* F_GETFL */);
      return r < 0 ? String(r) : hex(r);
    }
    case "setfl": return String(s.fcntl(o.fd, 4 /* F_SETFL */, o.flags));
    case "sock": return String(s.socket(1 /* AF_UNIX */, 1 /* SOCK_STREAM */ | o.flags, 0));
    case "bind": {
      if (!isInetName(o.name)) return String(s.bind(o.fd, sockAddr(o.name)));
      const r = s.bind(o.fd, inetAddr(o.name, ctx, true));
      const slot = o.name[2];
      if (r === 0 && slot !== "0" && !ctx.slots[slot]) {
        const a = { family: 0, addr: "", port: 0 };
        if (s.getsockname(o.fd, a) === 0) ctx.slots[slot] = a.port;
      }
      return String(r);
    }
    case "conn": return String(s.connect(o.fd, isInetName(o.name) ? inetAddr(o.name, ctx, false) : sockAddr(o.name)));
    case "listen": return String(s.listen(o.fd, o.backlog));
    case "acc": {
      const peer = { family: 0, path: "", addr: "", port: 0 };
      const r = s.accept4(o.fd, peer, o.flags);
      return r < 0 ? String(r) : `${r} ${showAny(peer, ctx)}`;
    }
    case "gsn":
    case "gpn": {
      const a = { family: 0, path: "", addr: "", port: 0 };
      const r = o.op === "gsn" ? s.getsockname(o.fd, a) : s.getpeername(o.fd, a);
      return r < 0 ? String(r) : `${r} ${showAny(a, ctx)}`;
    }
    case "recv": {
      const buf = new Uint8Array(Math.max(o.n, 0));
      const r = s.recv(o.fd, buf, o.n, o.flags);
      return r > 0 ? `${r} h=${fnv(buf, r)}` : String(r);
    }
    case "inq": {
      const v = [-1];
      const r = s.ioctl(o.fd, 0x541b /* FIONREAD */, v);
      return r < 0 ? String(r) : `0 ${v[0]}`;
    }
    case "sockt": return String(s.socket(1 /* AF_UNIX */, o.type, 0));
    case "spt": {
      const sv: number[] = [];
      const r = s.socketpair(1 /* AF_UNIX */, o.type, 0, sv);
      return r === 0 ? `0 ${sv[0]} ${sv[1]}` : String(r);
    }
    case "sendto": {
      const buf = new Uint8Array(Math.max(o.n, 0)).fill(0x5a);
      return String(s.sendto(o.fd, buf, o.n, o.flags, o.name === "-" ? null : isInetName(o.name) ? inetAddr(o.name, ctx, false) : sockAddr(o.name)));
    }
    case "recvfrom": {
      const buf = new Uint8Array(Math.max(o.n, 0));
      const a = { family: 0, path: "", addr: "", port: 0 };
      const r = s.recvfrom(o.fd, buf, o.n, o.flags, a);
      if (r < 0) return String(r);
      return `${r}${r > 0 ? ` h=${fnv(buf, Math.min(r, o.n))}` : ""} ${a.family === 0 ? "-" : showAny(a, ctx)}`;
    }
    case "sendfd": return String(s.sendmsg(o.fd, { iov: [new Uint8Array(Math.max(o.n, 0)).fill(0x5a)], rights: [o.pass] }, 0));
    case "recvfd": {
      const msg: { iov: Uint8Array[]; rights?: number[]; flags?: number } = { iov: [new Uint8Array(Math.max(o.n, 0))] };
      const r = s.recvmsg(o.fd, msg, o.flags);
      return r < 0 ? String(r) : `${r} fds=${(msg.rights ?? []).join(",")} flags=${hex((msg.flags ?? 0) & 0x28)}`;
    }
    case "sigact": {
      const count = (sig: number) => ctx.hits.set(sig, (ctx.hits.get(sig) ?? 0) + 1);
      const mode = o.mode === 0 ? "default" : o.mode === 1 ? "ignore" : { handler: count, flags: o.mode === 3 ? 0x10000000 : 0 };
      return String(s.sigaction(o.sig, mode as E.Disposition));
    }
    case "kill": return String(s.kill(s.getpid(), o.sig));
    case "tkill": return String(s.tgkill(s.getpid(), s.gettid(), o.sig));
    case "mask": {
      const old = [0n];
      const r = s.sigprocmask(o.how, BigInt.asUintN(64, o.set), old);
      return r < 0 ? String(r) : `0 ${hex(old[0] as bigint)}`;
    }
    case "pend": {
      const p = [0n];
      const r = s.sigpending(p);
      return r < 0 ? String(r) : `0 ${hex(p[0] as bigint)}`;
    }
    case "hits": {
      const line = [...ctx.hits].sort((a, b) => a[0] - b[0]).map(([sig, n]) => `${sig}:${n}`).join(",") || "-";
      ctx.hits.clear();
      return line;
    }
    case "sfd": return String(s.signalfd(o.fd, BigInt.asUintN(64, o.mask), o.flags));
    case "isock": return String(s.socket(o.fam, o.type, 0));
    case "sopt": return String(s.setsockopt(o.fd, o.level, o.name, o.val));
    case "gopt": {
      const v = [0];
      const r = s.getsockopt(o.fd, o.level, o.name, v);
      return r < 0 ? String(r) : `0 ${v[0]}`;
    }
  }
}

/** signalfd records as the oracle prints them: "signo:code" each (the pid differs). */
function siginfos(buf: Uint8Array, n: number): string {
  const dv = new DataView(buf.buffer, buf.byteOffset);
  const out: string[] = [];
  for (let i = 0; i + 128 <= n; i += 128) out.push(`${dv.getUint32(i, true)}:${dv.getInt32(i + 8, true)}`);
  return `sfd=${out.join(",")}`;
}

/** An internet name of the text form: family 4/6, host l/w/m/x, slot a/b/0. */
export const isInetName = (name: string) => /^[46][lwmx][ab0]$/.test(name);
const HOSTS: Record<string, string> = { "4l": "127.0.0.1", "4w": "0.0.0.0", "4x": "127.0.0.2", "4m": "127.0.0.1", "6l": "::1", "6w": "::", "6m": "::ffff:127.0.0.1", "6x": "::1" };
/** The address of an internet name: bind takes port 0 for a slot without a port, the others port 1. */
function inetAddr(name: string, ctx: Ctx, forBind: boolean) {
  const slot = name[2];
  const port = slot === "0" ? 0 : (ctx.slots[slot] ?? (forBind ? 0 : 1));
  return { family: name[0] === "4" ? 2 : 10, addr: HOSTS[name.slice(0, 2)], port };
}
/** Any address as the oracle prints it. */
function showAny(a: { family: number; path: string; addr: string; port: number }, ctx: Ctx): string {
  if (a.family !== 2 && a.family !== 10) return showName(a.path);
  const slot = Object.keys(ctx.slots).find((k) => ctx.slots[k] === a.port);
  return `${a.addr}:${a.port === 0 ? "0" : slot ?? "E"}`;
}

/** The address of a name of the text form ("@x" abstract, "-" empty). */
const sockAddr = (name: string) =>
  name === "^" ? { family: 0 /* AF_UNSPEC */, path: "" } : { family: 1 /* AF_UNIX */, path: name === "-" ? "" : "\0" + name.slice(1) };
/** A socket name as the oracle prints it. */
function showName(path: string): string {
  if (path === "") return "-";
  if (!path.startsWith("\0")) return "?";
  return path.length === 6 && /^\0[0-9a-f]{5}$/.test(path) ? "@auto" : "@" + path.slice(1);
}

/** Runs a program on a fresh model kernel; a thrown error (core abort) becomes a line. */
export function runModel(p: Program): string[] {
  const k = createKernelSync();
  k.sys.sigaction(13 /* SIGPIPE */, "ignore"); // as the oracle does (signal(SIGPIPE, SIG_IGN))
  const out: string[] = [];
  const ctx = newCtx();
  for (const o of p) {
    try {
      out.push(runOp(k, o, ctx));
    } catch (e) {
      out.push(`!throw ${(e as Error).message.split("\n")[0]}`);
      break;
    }
  }
  return out;
}

export interface Mismatch {
  index: number;
  line: string;
  linux: string | undefined;
  model: string | undefined;
}

/** First differing line, or null. */
export function firstMismatch(p: Program, linux: string[], model: string[]): Mismatch | null {
  const n = Math.max(linux.length, model.length);
  for (let i = 0; i < n; i++) {
    if (linux[i] !== model[i]) return { index: i, line: p[i] ? opToLine(p[i]) : "<end>", linux: linux[i], model: model[i] };
  }
  return null;
}

export function describeMismatch(p: Program, linux: string[], model: string[], m: Mismatch): string {
  const rows = p.map((o, i) => {
    const mark = i === m.index ? ">>" : "  ";
    return `${mark} ${String(i).padStart(2)} ${opToLine(o).padEnd(34)} linux: ${linux[i] ?? "<none>"}${linux[i] !== model[i] ? `   model: ${model[i] ?? "<none>"}` : ""}`;
  });
  return [
    `first difference at op ${m.index}: ${m.line}`,
    `  linux: ${m.linux}`,
    `  model: ${m.model}`,
    ...rows,
  ].join("\n");
}
