// struct sockaddr in a guest's memory (Linux's layouts) <-> the kernel's SockAddr objects.
//   sockaddr_un:  u16 family, char sun_path[108]           (AF_UNIX 1)
//   sockaddr_in:  u16 family, u16 port (big-endian), u8 addr[4], zero[8]      (AF_INET 2)
//   sockaddr_in6: u16 family, u16 port, u32 flowinfo, u8 addr[16], u32 scope  (AF_INET6 10)
import { AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, EFAULT, EINVAL } from "../uapi.js";
import type { SockAddr } from "../syscalls/args.js";
import type { GuestMemory } from "./memory.js";

/** AF_UNIX names are bytes: one char per byte (latin1), so any byte survives the round trip. */
const bytesToName = (b: Uint8Array): string => String.fromCharCode(...b);
const nameToBytes = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff);

/** IPv6 text (any valid form: the kernel normalizes it) for 16 bytes. */
export function v6Text(b: Uint8Array): string {
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i] << 8) | b[i + 1]).toString(16));
  return g.join(":");
}

/** 16 bytes for IPv6 text ("::" and a dotted tail allowed); null if it is not an address. */
export function v6Bytes(s: string): Uint8Array | null {
  const out = new Uint8Array(16);
  const m = /^(.*?)(?:(\d+)\.(\d+)\.(\d+)\.(\d+))?$/.exec(s);
  if (!m) return null;
  let head = m[1];
  const tail = m[2] === undefined ? [] : [m.slice(2, 6).map(Number)].flatMap(([a, b, c, d]) => [(a << 8) | b, (c << 8) | d]);
  if (tail.length && head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  const parts = head.split("::");
  if (parts.length > 2) return null;
  const side = (t: string): number[] => (t === "" ? [] : t.split(":").map((x) => parseInt(x, 16)));
  const left = side(parts[0]);
  const right = parts.length === 2 ? [...side(parts[1]), ...tail] : [];
  const all = parts.length === 2 ? [...left, ...new Array(8 - left.length - right.length).fill(0), ...right] : [...left, ...tail];
  if (all.length !== 8 || all.some((x) => !(x >= 0 && x <= 0xffff))) return null;
  all.forEach((x, i) => {
    out[2 * i] = x >> 8;
    out[2 * i + 1] = x & 0xff;
  });
  return out;
}

/**
 * The address at [ptr, ptr + len) as the kernel takes it: a SockAddr, or -errno (EFAULT
 * when it lies outside memory, EINVAL when it is too short for its family). AF_UNIX: the
 * path is sun_path's bytes up to `len` (an abstract name keeps its leading NUL and all its
 * bytes; a path ends at its first NUL, which the kernel finds).
 */
export function readSockAddr(m: GuestMemory, ptr: number, len: number): SockAddr | number {
  len >>>= 0;
  // move_addr_to_kernel: only the length is checked here; each family checks the rest.
  if (len > 128 || len < 2) return -EINVAL;
  if (!m.ok(ptr, len)) return -EFAULT;
  const family = m.u16(ptr);
  if (family === AF_UNIX) return { family, path: bytesToName(m.copy(ptr + 2, len - 2)) };
  const port = (m.u8[ptr + 2] << 8) | m.u8[ptr + 3];
  // Too short for its family: no port, which the kernel refuses (EINVAL) where Linux does.
  if (family === AF_INET || family === AF_UNSPEC) {
    if (len < 16) return family === AF_UNSPEC ? { family, path: "" } : { family };
    const b = m.copy(ptr + 4, 4);
    return { family, port, addr: `${b[0]}.${b[1]}.${b[2]}.${b[3]}` };
  }
  if (family === AF_INET6) return len < 24 ? { family } : { family, port, addr: v6Text(m.copy(ptr + 8, 16)) };
  return { family }; // another family: the kernel answers for it
}

/** The bytes of a SockAddr the kernel filled (getsockname, accept, recvfrom). */
export function sockAddrBytes(a: SockAddr): Uint8Array {
  if (a.family === AF_UNIX) {
    const path = nameToBytes(a.path ?? "");
    // A path name is reported with its NUL; an abstract name (leading NUL) or none without.
    const n = path.length === 0 || path[0] === 0 ? path.length : path.length + 1;
    const out = new Uint8Array(2 + n);
    out[0] = AF_UNIX;
    out.set(path, 2);
    return out;
  }
  const port = a.port ?? 0;
  if (a.family === AF_INET) {
    const out = new Uint8Array(16);
    out[0] = AF_INET;
    out[2] = port >> 8;
    out[3] = port & 0xff;
    (a.addr ?? "0.0.0.0").split(".").forEach((x, i) => (out[4 + i] = Number(x)));
    return out;
  }
  const out = new Uint8Array(28);
  out[0] = a.family & 0xff;
  out[1] = a.family >> 8;
  out[2] = port >> 8;
  out[3] = port & 0xff;
  out.set(v6Bytes(a.addr ?? "::") ?? new Uint8Array(16), 8);
  return out;
}

/**
 * Copies an address out as Linux's move_addr_to_user: at most *lenp bytes, then *lenp is
 * set to the full length. false if the pointers are bad (EFAULT).
 */
export function storeSockAddr(m: GuestMemory, ptr: number, lenp: number, a: SockAddr): boolean {
  if (ptr === 0 || lenp === 0) return true;
  if (!m.ok(lenp, 4)) return false;
  const want = m.i32(lenp);
  if (want < 0) return false;
  const bytes = sockAddrBytes(a);
  const n = Math.min(want, bytes.length);
  if (!m.ok(ptr, n)) return false;
  m.set(ptr, bytes.subarray(0, n));
  m.setI32(lenp, bytes.length);
  return true;
}
