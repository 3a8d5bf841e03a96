// Internet addresses on the model's one network: the loopback interface (127.0.0.0/8 and
// ::1) and the wildcards 0.0.0.0 and :: that bind() takes. Callers give addresses as text
// ({ family: AF_INET, addr: "127.0.0.1", port }); inside, every address is its IPv6 form
// (an IPv4 address is the v4-mapped ::ffff:a.b.c.d), so one comparison serves both
// families and a dual-stack AF_INET6 socket meets IPv4 peers as Linux's does.
//
// Invariant: an Ip is a canonical IPv6 text (RFC 5952: lowercase, the longest run of zero
// groups as "::", v4-mapped addresses with a dotted tail), so string equality is address
// equality.

export type Ip = string;

export const V4_ANY: Ip = "::ffff:0.0.0.0";
export const V6_ANY: Ip = "::";
export const V6_LOOPBACK: Ip = "::1";

/** An IPv4 dotted quad (four decimal parts 0-255, no leading "+" or spaces) as 4 bytes, or null. */
function parseV4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** The eight 16-bit groups of an IPv6 text address (with "::" and a dotted IPv4 tail), or null. */
function parseV6(s: string): number[] | null {
  if (s.length === 0 || s.length > 45) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === "") return [];
    const out: number[] = [];
    const items = h.split(":");
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes(".")) {
        const v4 = parseV4(it);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return null;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  if (!head) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const tail = groups(halves[1]);
  if (!tail || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** The canonical text of eight groups (RFC 5952). */
function formatV6(g: number[]): Ip {
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  }
  // The longest run of two or more zero groups (the first of equal runs) becomes "::".
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(":");
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** A caller's IPv4 text as an Ip, or null when it is not a dotted quad. */
export function ipFromV4Text(s: string): Ip | null {
  const b = parseV4(s);
  return b ? `::ffff:${b.join(".")}` : null;
}

/** A caller's IPv6 text as an Ip, or null. */
export function ipFromV6Text(s: string): Ip | null {
  const g = parseV6(s);
  return g ? formatV6(g) : null;
}

/** An IPv4 (v4-mapped) address. */
export const isV4 = (ip: Ip): boolean => ip.startsWith("::ffff:") && ip.includes(".");

/** The text an AF_INET socket shows for an address (its dotted quad). */
export const v4Text = (ip: Ip): string => ip.slice(7);

/** The wildcard of either family. */
export const isAny = (ip: Ip): boolean => ip === V4_ANY || ip === V6_ANY;

/** An address of this host: loopback (127/8, ::1) or a wildcard. Anything else is not ours. */
export function isLocal(ip: Ip): boolean {
  return isAny(ip) || ip === V6_LOOPBACK || (isV4(ip) && v4Text(ip).startsWith("127."));
}

/**
 * Whether a socket bound to `bound` receives what is sent to `dst`: equal, or a wildcard of
 * the right family (`::` takes IPv4 too unless the socket is IPV6_V6ONLY). `dst` is never a
 * wildcard: a connect to 0.0.0.0 or :: has already become loopback.
 */
export function addrMatches(bound: Ip, v6only: boolean, dst: Ip): boolean {
  if (bound === dst) return true;
  if (bound === V4_ANY) return isV4(dst);
  if (bound === V6_ANY) return !v6only || !isV4(dst);
  return false;
}

/**
 * inet_rcv_saddr_equal with wildcards matching: two bound addresses that could both receive
 * one packet (so binding both to one port conflicts).
 */
export function addrsOverlap(a: Ip, aV6only: boolean, b: Ip, bV6only: boolean): boolean {
  if (a === b) return true;
  if (isAny(a) && isAny(b)) return a === V6_ANY && b === V6_ANY ? true : !(a === V6_ANY ? aV6only : bV6only);
  if (isAny(a)) return addrMatches(a, aV6only, b);
  if (isAny(b)) return addrMatches(b, bV6only, a);
  return false;
}

/**
 * The source address the route to `dst` gives (a socket bound to a wildcard): lo's
 * 127.0.0.1 for IPv4 (the prefsrc of 127.0.0.0/8), ::1 for IPv6.
 */
export function sourceFor(dst: Ip): Ip {
  return isV4(dst) ? "::ffff:127.0.0.1" : V6_LOOPBACK;
}

/**
 * Where a connect or send to `dst` from a socket bound to `local` goes: a wildcard means
 * this host — the socket's own bound IPv4 address, else 127.0.0.1 (ip_route_connect: an
 * INADDR_ANY destination becomes the source); an IPv6 socket's :: is ::1, or the v4-mapped
 * 127.0.0.1 when it is bound to a v4-mapped address.
 */
export function connectTarget(dst: Ip, local: Ip): Ip {
  if (dst === V4_ANY) return isV4(local) && !isAny(local) ? local : "::ffff:127.0.0.1";
  if (dst === V6_ANY) return isV4(local) && !isAny(local) ? "::ffff:127.0.0.1" : V6_LOOPBACK;
  return dst;
}

/**
 * An IPv6 socket whose source is an IPv4 (v4-mapped) address cannot reach an IPv6
 * destination (ip6_dst_lookup_tail: EAFNOSUPPORT).
 */
export function mappedSourceToV6(family: number, local: Ip, dst: Ip): boolean {
  return family === 10 && isV4(local) && !isAny(local) && !isV4(dst);
}
