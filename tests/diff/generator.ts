// fast-check arbitrary of differential programs, biased towards interesting states:
// full pipes, ET/ONESHOT items re-armed by MOD, dup'ed-then-closed fds, maxevents below the
// ready count, invalid arguments and nested epoll sets.
//
// Excluded on purpose (intentional model differences, docs/API.md):
// - EPOLL_CTL op 4 (EPOLL_CTL_DISABLE in the model, EINVAL in Linux);
// - blocking reads/writes: pipes and eventfds are always created non-blocking and F_SETFL
//   always keeps O_NONBLOCK, so no read/write ever sleeps;
// - fds 0..2 (pipes in the oracle, null devices in the model) are never referenced;
// - sockets are always non-blocking and named only in the abstract name space, so a
//   program leaves nothing behind (the oracle makes the names unique to its process);
// - sockets are never passed with SCM_RIGHTS (when garbage, Linux collects them later);
// - timeouts are always 0;
// - internet sockets are always non-blocking and use loopback ports the program binds
//   itself (port slots, program.ts), or port 1 where nothing listens;
// - at most 6 TCP sends carry data in a program, each at most 4096 bytes: Linux holds small
//   segments back (Nagle, delayed ACKs) once a connection's quick-ACK start is over, for
//   ~40 ms of real time, and its receive window grows as data flows — timing no program
//   controls; the model delivers at once (README, divergences).
import fc from "fast-check";
import type { Op, Program } from "./program";

const O_NONBLOCK = 0x800, O_DIRECT = 0x4000, O_CLOEXEC = 0x80000;
const EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10;
const EPOLLRDNORM = 0x40, EPOLLRDBAND = 0x80, EPOLLWRNORM = 0x100, EPOLLWRBAND = 0x200;
const EPOLLMSG = 0x400, EPOLLRDHUP = 0x2000;
const EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31;

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

type Kind = "epoll" | "pr" | "pw" | "efd" | "memfd" | "sock" | "usock" | "tcp4" | "tcp6" | "udp4" | "udp6" | "sfd";

/**
 * A reference to an fd, resolved against a static simulation of the fd table when the
 * abstract program is made concrete (so shrinking keeps references meaningful):
 * "pref" = an open fd of the op's preferred kinds, "any" = any open fd,
 * "epoll" = an open epoll fd (nested sets), "bad" = -1, 999 or a closed low fd.
 */
interface FdRef { mode: "pref" | "any" | "epoll" | "bad"; n: number }
const fdRefArb: fc.Arbitrary<FdRef> = fc.record({
  mode: fc.oneof(w(14, fc.constant("pref" as const)), w(4, fc.constant("any" as const)), w(1, fc.constant("epoll" as const)), w(1, fc.constant("bad" as const))),
  n: fc.nat({ max: 31 }),
});

const creators: fc.Arbitrary<Abs> = fc.oneof(
  w(5, fc.record({ op: fc.constant("epc" as const), flags: fc.oneof(w(10, fc.constantFrom(0, O_CLOEXEC)), w(1, fc.constantFrom(1, -1))) })),
  w(6, fc.record({
    op: fc.constant("pipe" as const),
    flags: fc.oneof(
      w(10, fc.constantFrom(O_NONBLOCK, O_NONBLOCK, O_NONBLOCK | O_DIRECT, O_NONBLOCK | O_CLOEXEC)),
      w(1, fc.constantFrom(O_NONBLOCK | 1, O_NONBLOCK | 0x40)),
    ),
  })),
  w(4, fc.record({
    op: fc.constant("efd" as const),
    init: fc.constantFrom(0, 0, 1, 2, 7, 0xfffffffe),
    flags: fc.oneof(w(10, fc.constantFrom(0x800, 0x801, 0x800 | O_CLOEXEC)), w(1, fc.constantFrom(0x802))),
  })),
  w(1, fc.record({ op: fc.constant("memfd" as const), flags: fc.constantFrom(0, 1) })),
  // AF_UNIX stream pairs, always non-blocking (SOCK_NONBLOCK = O_NONBLOCK).
  w(5, fc.record({
    op: fc.constant("sp" as const),
    flags: fc.oneof(w(10, fc.constantFrom(O_NONBLOCK, O_NONBLOCK | O_CLOEXEC)), w(1, fc.constantFrom(O_NONBLOCK | 0x40))),
  })),
  // AF_UNIX sockets of the three types, and pairs of them (non-blocking).
  w(4, fc.record({
    op: fc.constant("sockt" as const),
    type: fc.oneof(w(10, fc.constantFrom(2, 5, 1).map((t) => t | O_NONBLOCK)), w(1, fc.constantFrom(3 | O_NONBLOCK, 4 | O_NONBLOCK, 5 | O_NONBLOCK | O_CLOEXEC))),
  })),
  w(3, fc.record({
    op: fc.constant("spt" as const),
    type: fc.oneof(w(10, fc.constantFrom(2, 5).map((t) => t | O_NONBLOCK)), w(1, fc.constantFrom(3 | O_NONBLOCK))),
  })),
  // AF_UNIX stream sockets to bind, listen, connect and accept (non-blocking: nothing sleeps).
  w(4, fc.record({
    op: fc.constant("sock" as const),
    flags: fc.oneof(w(10, fc.constantFrom(O_NONBLOCK, O_NONBLOCK | O_CLOEXEC)), w(1, fc.constantFrom(O_NONBLOCK | 0x40))),
  })),
  // TCP and UDP sockets of both families (non-blocking: no connect or accept ever sleeps).
  w(8, fc.record({
    op: fc.constant("isock" as const),
    fam: fc.oneof(w(10, fc.constantFrom(2, 10)), w(1, fc.constantFrom(46, -1))),
    type: fc.oneof(w(20, fc.constantFrom(1, 1, 2).map((t) => t | O_NONBLOCK)), w(1, fc.constantFrom(3 | O_NONBLOCK, 5 | O_NONBLOCK, 1 | O_NONBLOCK | O_CLOEXEC, 1 | O_NONBLOCK | 0x40))),
  })),
);

const singleBits = [EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLRDBAND, EPOLLWRNORM,
  EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP];
const flagBits = [EPOLLET, EPOLLONESHOT, EPOLLWAKEUP];

const eventsArb: fc.Arbitrary<number> = fc.oneof(
  w(8, fc.constantFrom(EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLET, EPOLLOUT | EPOLLET,
    EPOLLIN | EPOLLOUT | EPOLLET, EPOLLIN | EPOLLONESHOT, EPOLLIN | EPOLLET | EPOLLONESHOT,
    EPOLLIN | EPOLLEXCLUSIVE, EPOLLIN | EPOLLOUT | EPOLLEXCLUSIVE | EPOLLET, EPOLLRDNORM | EPOLLWRNORM,
    EPOLLIN | EPOLLRDHUP, 0)),
  w(4, fc.tuple(fc.subarray(singleBits), fc.subarray(flagBits), fc.nat({ max: 5 }))
    .map(([a, b, x]) => ([...a, ...b].reduce((p, q) => p | q, 0) | (x === 0 ? EPOLLEXCLUSIVE : 0)) >>> 0)),
  w(1, fc.integer({ min: 0, max: 0xffffffff })),
);

const dataArb: fc.Arbitrary<bigint> = fc.oneof(
  w(10, fc.bigInt({ min: 0n, max: 20n })),
  w(1, fc.constantFrom(0xdeadbeefcafebaben, 0xffffffffffffffffn, 0x100000000n)),
);

const ctlArb = fc.record({
  op: fc.constant("ctl" as const),
  epfd: fdRefArb,
  // ADD weighted high; MOD re-arms ET/ONESHOT; never 4 (EPOLL_CTL_DISABLE, model extension).
  ctl: fc.oneof(w(20, fc.constantFrom(1, 1, 1, 2, 3, 3)), w(1, fc.constantFrom(0, 5))),
  fd: fdRefArb,
  event: fc.oneof(w(20, fc.record({ events: eventsArb, data: dataArb })), w(1, fc.constant(null))),
});

const waitArb = fc.record({
  op: fc.constant("wait" as const),
  epfd: fdRefArb,
  max: fc.oneof(w(10, fc.constantFrom(1, 2, 3, 64)), w(1, fc.constantFrom(0, -1))),
});

const pollArb = fc.record({
  op: fc.constant("poll" as const),
  fds: fc.array(fc.record({
    fd: fc.oneof(w(10, fdRefArb), w(1, fc.constant(-1))),
    events: fc.oneof(w(8, fc.constantFrom(EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLPRI | EPOLLRDHUP, 0)), w(1, fc.integer({ min: 0, max: 0xffff }))),
  }), { minLength: 1, maxLength: 4 }),
});

const readArb = fc.record({
  op: fc.constant("read" as const),
  fd: fdRefArb,
  n: fc.constantFrom(0, 1, 4, 8, 8, 16, 100, 4096, 65536, 250000),
});

const valArb: fc.Arbitrary<bigint> = fc.oneof(
  w(10, fc.bigInt({ min: 0n, max: 5n })),
  w(2, fc.constantFrom(0xfffffffffffffffen, 0xffffffffffffffffn, 0xfffffffffffffff0n, 0xfffffffeffffffffn)),
);

const writeArb = fc.record({
  op: fc.constant("write" as const),
  fd: fdRefArb,
  n: fc.constantFrom(0, 1, 8, 8, 8, 100, 1000, 3776, 3777, 4096, 4097, 36545, 65536, 65536, 250000),
  val: valArb,
});

const fdOps = fc.oneof(
  w(3, fc.record({ op: fc.constant("dup" as const), fd: fdRefArb })),
  w(2, fc.record({ op: fc.constant("dup2" as const), oldfd: fdRefArb, newfd: fdRefArb })),
  w(5, fc.record({ op: fc.constant("close" as const), fd: fdRefArb })),
  w(1, fc.record({ op: fc.constant("getfl" as const), fd: fdRefArb })),
  w(3, fc.record({ op: fc.constant("shut" as const), fd: fdRefArb, how: fc.oneof(w(10, fc.constantFrom(0, 1, 2)), w(1, fc.constantFrom(3, -1))) })),
  // F_SETFL always keeps O_NONBLOCK (no blocking reads/writes); O_DIRECT is sometimes refused.
  w(1, fc.record({ op: fc.constant("setfl" as const), fd: fdRefArb, flags: fc.constantFrom(O_NONBLOCK, O_NONBLOCK | O_DIRECT, O_NONBLOCK | 0x400) })),
);

/**
 * A name: AF_UNIX abstract names only (no file system state outlives a program; "-" is the
 * empty address), or an internet one ("*" + host + slot: the family is the socket's, filled
 * in by concretize; "4"/"6" first: that family whatever the socket).
 */
const unixNameArb = fc.oneof(w(6, fc.constantFrom("@a", "@a", "@b")), w(1, fc.constant("-")));
const inetNameArb = fc.tuple(
  fc.oneof(w(20, fc.constant("*")), w(1, fc.constantFrom("4", "6"))),
  fc.oneof(w(12, fc.constant("l")), w(3, fc.constant("w")), w(2, fc.constantFrom("m", "x"))),
  fc.oneof(w(8, fc.constant("a")), w(3, fc.constant("b")), w(2, fc.constant("0"))),
).map(([f, h, p]) => f + h + p);
const nameArb = fc.oneof(w(5, unixNameArb), w(5, inetNameArb));
/** connect may also take AF_UNSPEC ("^": a datagram socket's disconnect). */
const connNameArb = fc.oneof(w(12, nameArb), w(1, fc.constant("^")));
/** Integer socket options: SOL_SOCKET 1, IPPROTO_TCP 6, IPPROTO_IPV6 41. */
const soptArb = fc.oneof(
  w(4, fc.record({ level: fc.constant(1), name: fc.constantFrom(2, 15), val: fc.constantFrom(0, 1, 1) })),
  w(2, fc.record({ level: fc.constant(41), name: fc.constant(26), val: fc.constantFrom(0, 1) })),
  w(1, fc.record({ level: fc.constant(6), name: fc.constant(1), val: fc.constantFrom(0, 1) })),
  w(1, fc.record({ level: fc.constant(1), name: fc.constant(18), val: fc.constantFrom(0, 1, 2, 5, 100, -1) })),
  w(1, fc.record({ level: fc.constant(1), name: fc.constant(9), val: fc.constantFrom(0, 1) })),
  w(1, fc.constantFrom([1, 4], [1, 3], [1, 999], [6, 999], [41, 999], [0, 999], [17, 999]).map(([level, name]) => ({ level, name, val: 1 }))),
);
/** getsockopt: [level, name] pairs (SO_ATTACH_FILTER's number reads back a filter, not an int). */
const goptArb = fc.oneof(
  w(10, fc.constantFrom(4, 4, 3, 30, 2, 15, 18, 7, 8, 9, 38, 39, 999).map((name) => ({ level: 1, name }))),
  w(2, fc.constantFrom([6, 1], [41, 26], [6, 999], [41, 999], [0, 999], [17, 999]).map(([level, name]) => ({ level, name }))),
);
const sockOps = fc.oneof(
  w(4, fc.record({ op: fc.constant("bind" as const), fd: fdRefArb, name: nameArb })),
  w(3, fc.record({ op: fc.constant("listen" as const), fd: fdRefArb, backlog: fc.oneof(w(10, fc.constantFrom(0, 1, 2, 5)), w(1, fc.constantFrom(-1, 4097))) })),
  w(5, fc.record({ op: fc.constant("conn" as const), fd: fdRefArb, name: connNameArb })),
  w(4, fc.record({
    op: fc.constant("sendto" as const), fd: fdRefArb,
    n: fc.constantFrom(0, 1, 100, 4096, 16064, 16065, 70000, 212960, 212961),
    flags: fc.constantFrom(0, 0, 0x40, 0x4000),
    name: fc.oneof(w(3, fc.constant("-")), w(2, nameArb)),
  })),
  w(3, fc.record({ op: fc.constant("sendfd" as const), fd: fdRefArb, n: fc.constantFrom(0, 1, 100), pass: fdRefArb })),
  w(3, fc.record({ op: fc.constant("recvfd" as const), fd: fdRefArb, n: fc.constantFrom(0, 1, 8, 200), flags: fc.constantFrom(0, 0x2, 0x40000000, 0x40) })),
  w(3, fc.record({ op: fc.constant("recvfrom" as const), fd: fdRefArb, n: fc.constantFrom(0, 1, 8, 100, 5000, 250000), flags: fc.constantFrom(0, 0x2, 0x20, 0x40, 0x22) })),
  w(4, fc.record({ op: fc.constant("acc" as const), fd: fdRefArb, flags: fc.oneof(w(10, fc.constantFrom(O_NONBLOCK, O_NONBLOCK | O_CLOEXEC)), w(1, fc.constantFrom(0x40))) })),
  w(1, fc.record({ op: fc.constant("gsn" as const), fd: fdRefArb })),
  w(1, fc.record({ op: fc.constant("gpn" as const), fd: fdRefArb })),
  // MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL (non-blocking fds: returns what is there).
  w(2, fc.record({ op: fc.constant("recv" as const), fd: fdRefArb, n: fc.constantFrom(0, 1, 8, 100, 4096), flags: fc.constantFrom(0, 2, 0x40, 0x42, 0x100) })),
  w(1, fc.record({ op: fc.constant("inq" as const), fd: fdRefArb })),
  w(3, fc.tuple(fdRefArb, soptArb).map(([fd, o]) => ({ op: "sopt" as const, fd, ...o }))),
  w(2, fc.tuple(fdRefArb, goptArb).map(([fd, o]) => ({ op: "gopt" as const, fd, ...o }))),
);

/**
 * Signals a single thread can raise and observe: SIGUSR1/2 (default: fatal), SIGPIPE (the
 * baseline ignores it), SIGCHLD and SIGWINCH (default: ignored). concretize() keeps every
 * program alive: no signal is sent while its disposition is a fatal default, and USR1, USR2
 * and SIGPIPE are never set back to the default.
 */
const SIGS = [10, 12, 13, 17, 28];
const sigArb = fc.oneof(w(20, fc.constantFrom(...SIGS)), w(1, fc.constantFrom(0, 65)));
const sigSetArb: fc.Arbitrary<bigint> = fc.oneof(
  w(10, fc.subarray(SIGS).map((xs) => xs.reduce((m, s) => m | (1n << BigInt(s - 1)), 0n))),
  w(1, fc.constantFrom(1n << 8n, 0xffffffffffffffffn)),
);
const sigOps = fc.oneof(
  w(4, fc.record({ op: fc.constant("sigact" as const), sig: fc.oneof(w(20, fc.constantFrom(...SIGS)), w(1, fc.constantFrom(0, 9, 19, 65))), mode: fc.constantFrom(0, 1, 2, 2, 3) })),
  w(4, fc.record({ op: fc.constant("kill" as const), sig: sigArb })),
  w(2, fc.record({ op: fc.constant("tkill" as const), sig: sigArb })),
  w(3, fc.record({ op: fc.constant("mask" as const), how: fc.oneof(w(10, fc.constantFrom(0, 1, 2)), w(1, fc.constantFrom(3, -1))), set: sigSetArb })),
  w(1, fc.record({ op: fc.constant("pend" as const) })),
  w(2, fc.record({ op: fc.constant("hits" as const) })),
  w(3, fc.record({
    op: fc.constant("sfd" as const),
    fd: fc.oneof(w(5, fc.constant(-1)), w(2, fdRefArb)),
    mask: sigSetArb,
    flags: fc.oneof(w(10, fc.constantFrom(O_NONBLOCK, O_NONBLOCK | O_CLOEXEC)), w(1, fc.constant(O_NONBLOCK | 7))),
  })),
);

const absOpArb: fc.Arbitrary<Abs> = fc.oneof(
  w(5, creators),
  w(12, ctlArb),
  w(8, waitArb),
  w(2, pollArb),
  w(5, readArb),
  w(6, writeArb),
  w(5, fdOps),
  w(5, sockOps),
  w(4, sigOps),
);

/** An abstract op: an Op whose fd fields are FdRefs (poll entries may hold a literal -1). */
type Abs = { op: Op["op"] } & Record<string, unknown>;

const INET: Kind[] = ["tcp4", "tcp6", "udp4", "udp6"];
const ALL: Kind[] = ["epoll", "pr", "pw", "efd", "memfd", "sock", "usock", ...INET, "sfd"];
const SOCKS: Kind[] = ["sock", "usock", ...INET];
const NAMED: Kind[] = ["usock", ...INET];
const NOT_SOCKETS: Kind[] = ["epoll", "pr", "pw", "efd", "memfd"];
const PREF: Record<string, Record<string, Kind[]>> = {
  ctl: { epfd: ["epoll"], fd: ["pr", "pw", "efd", ...SOCKS, "sfd"] },
  wait: { epfd: ["epoll"] },
  read: { fd: ["pr", "efd", ...SOCKS, "sfd"] },
  sfd: { fd: ["sfd"] },
  write: { fd: ["pw", "efd", ...SOCKS] },
  shut: { fd: SOCKS },
  bind: { fd: NAMED },
  listen: { fd: NAMED },
  conn: { fd: NAMED },
  acc: { fd: NAMED },
  sopt: { fd: INET },
  gopt: { fd: SOCKS },
  gsn: { fd: SOCKS },
  gpn: { fd: SOCKS },
  recv: { fd: SOCKS },
  inq: { fd: [...SOCKS, "pr"] },
  sendto: { fd: SOCKS },
  sendfd: { fd: SOCKS },
  recvfd: { fd: SOCKS },
  recvfrom: { fd: SOCKS },
};

/** Static simulation of the fd table (creations with valid flags always succeed). */
class Sim {
  open = new Map<number, Kind>();
  /** Which open file each fd refers to (dup'ed fds share it). */
  ident = new Map<number, number>();
  #nextIdent = 1;
  /** Signals whose disposition is a fatal default now (sending one would end the oracle). */
  fatal = new Set([10, 12]);
  /** The file whose bind gave a port slot its port, and its protocol. */
  slotOwner: Record<string, number> = {};
  slotProto: Record<string, string> = {};
  lowest(): number {
    let fd = 3;
    while (this.open.has(fd)) fd++;
    return fd;
  }
  resolve(r: FdRef | number, pref: Kind[]): number {
    if (typeof r === "number") return r;
    const pick = (kinds: Kind[]) => {
      const c = [...this.open.entries()].filter(([, k]) => kinds.includes(k)).map(([fd]) => fd).sort((a, b) => a - b);
      return c.length ? c[r.n % c.length] : undefined;
    };
    switch (r.mode) {
      case "bad": return [-1, 999, this.lowest(), 3 + (r.n % 16)][r.n % 4];
      case "epoll": return pick(["epoll"]) ?? pick(ALL) ?? 3 + (r.n % 8);
      case "any": return pick(ALL) ?? 3 + (r.n % 8);
      case "pref": return pick(pref) ?? pick(ALL) ?? 3 + (r.n % 8);
    }
  }
  /** Applies the effect an op has if it succeeds the way the simulation expects. */
  apply(o: Op): void {
    const add = (k: Kind) => {
      const fd = this.lowest();
      this.open.set(fd, k);
      this.ident.set(fd, this.#nextIdent++);
    };
    switch (o.op) {
      case "epc": if ((o.flags & ~O_CLOEXEC) === 0) add("epoll"); break;
      case "pipe": if ((o.flags & ~(O_NONBLOCK | O_DIRECT | O_CLOEXEC)) === 0) { add("pr"); add("pw"); } break;
      case "efd": if ((o.flags & ~(1 | O_NONBLOCK | O_CLOEXEC)) === 0) add("efd"); break;
      case "memfd": add("memfd"); break;
      case "sp": if ((o.flags & ~(O_NONBLOCK | O_CLOEXEC)) === 0) { add("sock"); add("sock"); } break;
      case "sock": if ((o.flags & ~(O_NONBLOCK | O_CLOEXEC)) === 0) add("usock"); break;
      case "sockt": if ([1, 2, 3, 5].includes(o.type & 0xf) && (o.type & ~(0xf | O_NONBLOCK | O_CLOEXEC)) === 0) add("usock"); break;
      case "spt": if ([1, 2, 3, 5].includes(o.type & 0xf) && (o.type & ~(0xf | O_NONBLOCK | O_CLOEXEC)) === 0) { add("sock"); add("sock"); } break;
      // (An accept may fail: the simulation guesses it succeeds when made on a socket.)
      case "acc": {
        const k = this.open.get(o.fd);
        if ((k === "usock" || k === "tcp4" || k === "tcp6") && (o.flags & ~(O_NONBLOCK | O_CLOEXEC)) === 0) add(k === "usock" ? "sock" : k);
        break;
      }
      case "sfd": if (o.fd === -1 && (o.flags & ~(O_NONBLOCK | O_CLOEXEC)) === 0) add("sfd"); break;
      case "sigact": if (SIGS.includes(o.sig)) this.fatal.delete(o.sig); break;
      case "isock":
        if ((o.fam === 2 || o.fam === 10) && (o.type & 0xf) <= 2 && (o.type & 0xf) >= 1 && (o.type & ~(0xf | O_NONBLOCK | O_CLOEXEC)) === 0) {
          add(`${(o.type & 0xf) === 1 ? "tcp" : "udp"}${o.fam === 2 ? 4 : 6}` as Kind);
        }
        break;
      case "close": this.open.delete(o.fd); this.ident.delete(o.fd); break;
      case "dup": {
        const k = this.open.get(o.fd);
        if (k) {
          const fd = this.lowest();
          this.open.set(fd, k);
          this.ident.set(fd, this.ident.get(o.fd)!);
        }
        break;
      }
      case "dup2": {
        const k = this.open.get(o.oldfd);
        if (k && o.newfd >= 0 && o.newfd < 1024) {
          this.open.set(o.newfd, k);
          this.ident.set(o.newfd, this.ident.get(o.oldfd)!);
        }
        break;
      }
      case "bind": {
        const slot = o.name.length === 3 && "46".includes(o.name[0]) ? o.name[2] : "0";
        const id = this.ident.get(o.fd);
        if (slot !== "0" && id !== undefined && !(slot in this.slotOwner) && INET.includes(this.open.get(o.fd)!)) {
          this.slotOwner[slot] = id;
          this.slotProto[slot] = this.open.get(o.fd)!;
        }
        break;
      }
      default: break;
    }
  }
}

export function concretize(abs: Abs[]): Program {
  const sim = new Sim();
  let tcpSends = 0;
  return abs.map((a) => {
    const pref = PREF[a.op] ?? {};
    const o: Record<string, unknown> = { ...a };
    for (const key of ["epfd", "fd", "oldfd", "pass"]) if (key in a) o[key] = sim.resolve(a[key] as FdRef, pref[key] ?? ALL);
    if (a.op === "dup2") {
      const r = a.newfd as FdRef;
      o.newfd = r.mode === "pref" ? 3 + (r.n % 14) : sim.resolve(r, ALL);
    }
    // Only files that are not sockets travel (SCM_RIGHTS): a socket in flight may become
    // garbage, and Linux collects it from a work queue at a time no program controls.
    if (a.op === "sendfd") {
      const r = a.pass as FdRef;
      o.pass = r.mode === "bad" ? sim.resolve(r, ALL) : sim.resolve({ mode: "pref", n: r.n }, NOT_SOCKETS);
      if (sim.open.get(o.pass as number) === "sock" || sim.open.get(o.pass as number) === "usock") o.pass = 999;
    }
    if (a.op === "poll") o.fds = (a.fds as { fd: FdRef | number; events: number }[]).map((p) => ({ fd: sim.resolve(p.fd, ALL), events: p.events }));
    const kind = typeof o.fd === "number" ? sim.open.get(o.fd) : undefined;
    // Programs stay alive (see SIGS): no fatal default is set or sent.
    if (a.op === "sigact" && o.mode === 0 && [10, 12, 13].includes(o.sig as number)) o.mode = 1;
    // A kill of a signal still at its fatal default installs the counting handler instead.
    if ((a.op === "kill" || a.op === "tkill") && sim.fatal.has(o.sig as number)) {
      const sig = o.sig;
      for (const key of Object.keys(o)) delete o[key];
      Object.assign(o, { op: "sigact", sig, mode: 2 });
    }
    // A name fits its socket: an internet one takes the socket's family ("*"); an AF_UNIX
    // socket mostly gets an AF_UNIX name and an internet socket an internet one.
    if (typeof o.name === "string" && !(a.op === "sendto" && o.name === "-")) o.name = fitName(o.name, kind);
    // A port one protocol or family got from Linux's random choice may be busy in another
    // (this machine's other sockets, TIME_WAIT remnants of earlier programs): a bind of
    // another protocol or family takes port 0 instead.
    if (a.op === "bind" && kind && INET.includes(kind) && typeof o.name === "string" && o.name.length === 3 && "ab".includes(o.name[2])) {
      const p = sim.slotProto[o.name[2]];
      if (p && p !== kind) o.name = o.name.slice(0, 2) + "0";
    }
    // No TCP socket connects to its own port (a simultaneous open with itself): Linux then
    // holds its own segments back (Nagle and delayed ACKs, in real time) — not compared.
    if (a.op === "conn" && (kind === "tcp4" || kind === "tcp6") && typeof o.name === "string" && o.name.length === 3) {
      let name = o.name;
      const me = sim.ident.get(o.fd as number);
      if (name[2] !== "0" && sim.slotOwner[name[2]] === me) name = name.slice(0, 2) + (name[2] === "a" ? "b" : "a");
      if (name[2] !== "0" && sim.slotOwner[name[2]] === me) name = name.slice(0, 2) + "0";
      // MODEL: an IPv6 TCP socket's connect to a v4-mapped address is not compared (Linux
      // 6.18 lets a later IPv6 connect of it hang in SYN_SENT; not modelled).
      if (name[1] === "m") name = name[0] + "l" + name[2];
      o.name = name;
    }
    // TCP data: few and small sends (see the header).
    if ((kind === "tcp4" || kind === "tcp6") && (a.op === "write" || a.op === "sendto" || a.op === "sendfd")) {
      o.n = tcpSends >= 6 ? 0 : Math.min(o.n as number, 4096);
      if ((o.n as number) > 0) tcpSends++;
    }
    const op = o as unknown as Op;
    sim.apply(op);
    return op;
  });
}

const UNIX_OF_INET: Record<string, string> = { l: "@a", w: "@b", m: "-", x: "@a" };
const INET_OF_UNIX: Record<string, string> = { "@a": "*la", "@b": "*lb", "-": "*l0" };
function fitName(name: string, kind: Kind | undefined): string {
  const inetSock = kind !== undefined && INET.includes(kind);
  if (name === "^") return name;
  const isInet = name.length === 3 && "*46".includes(name[0]);
  if (!inetSock && isInet && name[0] === "*") return UNIX_OF_INET[name[1]];
  if (inetSock && !isInet) name = INET_OF_UNIX[name] ?? "*la";
  if (name[0] !== "*") return name;
  return (kind === "tcp6" || kind === "udp6" ? "6" : "4") + name.slice(1);
}

/** A program: a few creations (so fd numbers are mostly live), then a mixed body. */
export function programArb(maxOps = 60): fc.Arbitrary<Program> {
  return fc
    .tuple(
      fc.constantFrom(0, O_CLOEXEC).map((flags): Abs => ({ op: "epc", flags })),
      fc.array(creators, { minLength: 0, maxLength: 5 }),
      fc.array(absOpArb, { minLength: 0, maxLength: maxOps - 6, size: "max" }),
    )
    .map(([e, a, b]) => concretize([e, ...a, ...b]));
}
