// The port tables of a kernel's loopback network (inet_hashinfo's bind buckets for TCP,
// udp_table for UDP): who holds which local port, the bind conflict rules, and ephemeral
// port choice. A TCP port is held by sockets (bound, listening, connected, orphaned while
// closing) and by TIME_WAIT remnants of connections this side closed first.
import { EADDRINUSE } from "../uapi.js";
import { addrsOverlap, type Ip } from "./inet-addr.js";

/** Something that holds a port: a socket, or a TCP TIME_WAIT remnant. */
export interface PortHolder {
  localIp: Ip;
  localPort: number;
  /** SO_REUSEADDR (sk_reuse). */
  readonly reuse: boolean;
  /** SO_REUSEPORT. */
  readonly reuseport: boolean;
  /** IPV6_V6ONLY: a bound :: takes IPv6 only. */
  readonly v6only: boolean;
  /** TCP_LISTEN: SO_REUSEADDR does not share a listening port. */
  readonly listening: boolean;
  /** In the table now. */
  hashed: boolean;
  /**
   * A TCP socket whose port connect() chose: another connect may take the same port to a
   * different destination (the 4-tuple stays unique), as __inet_hash_connect allows.
   */
  connectBound?: boolean;
  remoteIp?: Ip;
  remotePort?: number;
}

/** net.ipv4.ip_local_port_range on Linux (and this machine): 32768 60999. */
export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;

export class PortTable {
  readonly #byPort = new Map<number, Set<PortHolder>>();
  /** Where the next search for an odd (bind) or even (connect) ephemeral port starts. */
  #nextOdd: number;
  #nextEven: number;
  /** Searches that found no port (parity and destination), forgotten when a port is freed. */
  readonly #exhausted = new Set<string>();

  constructor(readonly proto: "tcp" | "udp") {
    // UDP starts in the middle of the range, so that a TCP and a UDP socket do not get the
    // same number by coincidence (Linux's random choice seldom does).
    const start = proto === "tcp" ? EPHEMERAL_LOW : EPHEMERAL_LOW + 14116;
    this.#nextEven = start;
    this.#nextOdd = start + 1;
  }

  /** Who holds `port`. */
  holders(port: number): Iterable<PortHolder> {
    return this.#byPort.get(port) ?? [];
  }

  /**
   * inet_bind_conflict / udp_lib_lport_inuse: `sk` may not take (`ip`, `port`) while a
   * holder's address overlaps — unless both set SO_REUSEADDR (TCP: and the holder is not
   * listening), or both set SO_REUSEPORT (one user owns every socket here).
   */
  conflicts(sk: PortHolder, ip: Ip, port: number): boolean {
    for (const h of this.holders(port)) {
      if (h === sk || !addrsOverlap(ip, sk.v6only, h.localIp, h.v6only)) continue;
      if (sk.reuse && h.reuse && (this.proto === "udp" || !h.listening)) continue;
      if (sk.reuseport && h.reuseport) continue;
      return true;
    }
    return false;
  }

  /**
   * Takes (`ip`, `port`) for `sk`; port 0 picks a free ephemeral port — odd ones for bind(),
   * even ones for connect() (`forConnect`), as inet_csk_find_open_port and
   * __inet_hash_connect split the range. 0, or -EADDRINUSE (no free port: also EADDRINUSE).
   * MODEL: Linux starts each search at a random offset; here the search goes on from the
   * last port given, so runs are reproducible.
   */
  bind(sk: PortHolder, ip: Ip, port: number, forConnect = false, dst?: { ip: Ip; port: number }): number {
    if (port === 0) {
      port = this.#ephemeral(forConnect ? 0 : 1, dst);
      if (port === 0) return -EADDRINUSE;
    } else if (this.conflicts(sk, ip, port)) return -EADDRINUSE;
    this.add(sk, ip, port);
    return 0;
  }

  /**
   * A port nobody holds, of the preferred parity first (then the other) — or, for a connect
   * to `dst`, one held only by other connects' sockets to other destinations; 0 if none.
   */
  #ephemeral(parity: number, dst?: { ip: Ip; port: number }): number {
    const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1; // even: stepping by 2 keeps the parity
    for (const want of [parity, 1 - parity]) {
      // A parity found full for this destination stays full until a port is let go.
      const key = `${want}|${dst ? `${dst.ip}|${dst.port}` : ""}`;
      if (this.#exhausted.has(key)) continue;
      const start = want ? this.#nextOdd : this.#nextEven;
      for (let i = 0; i < span; i += 2) {
        const p = EPHEMERAL_LOW + ((start - EPHEMERAL_LOW + i) % span);
        const held = this.#byPort.get(p);
        if (held && !(dst && [...held].every((h) => h.connectBound && (h.remoteIp !== dst.ip || h.remotePort !== dst.port)))) continue;
        const next = EPHEMERAL_LOW + ((p - EPHEMERAL_LOW + 2) % span);
        if (want) this.#nextOdd = next;
        else this.#nextEven = next;
        return p;
      }
      this.#exhausted.add(key);
    }
    return 0;
  }

  /** Records `sk` as holding (`ip`, `port`) without a conflict check (an accepted socket shares its listener's port). */
  add(sk: PortHolder, ip: Ip, port: number): void {
    sk.localIp = ip;
    sk.localPort = port;
    sk.hashed = true;
    let set = this.#byPort.get(port);
    if (!set) this.#byPort.set(port, (set = new Set()));
    set.add(sk);
  }

  /** `sk` lets go of its port. */
  remove(sk: PortHolder): void {
    sk.hashed = false;
    this.#exhausted.clear();
    const set = this.#byPort.get(sk.localPort);
    if (!set?.delete(sk)) return;
    if (!set.size) this.#byPort.delete(sk.localPort);
  }
}
