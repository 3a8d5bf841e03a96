// The visualizer's small helpers: DOM building and the formatting of Linux values.
import * as E from "../../dist/index.js";

// ---------------------------------------------------------------------------------------
// small helpers

export const $ = (id) => document.getElementById(id);
export const enc = new TextEncoder();
export const dec = new TextDecoder();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** h("div", { class: "x", "data-fd": 3, onclick: f }, child, "text", [more]) */
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "true" : String(v));
    }
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

/** Event bits in the order they are shown. */
export const BITS = [
  ["IN", E.EPOLLIN], ["PRI", E.EPOLLPRI], ["OUT", E.EPOLLOUT], ["ERR", E.EPOLLERR], ["HUP", E.EPOLLHUP],
  ["NVAL", E.EPOLLNVAL], ["RDNORM", E.EPOLLRDNORM], ["RDBAND", E.EPOLLRDBAND], ["WRNORM", E.EPOLLWRNORM],
  ["WRBAND", E.EPOLLWRBAND], ["MSG", E.EPOLLMSG], ["RDHUP", E.EPOLLRDHUP], ["EXCLUSIVE", E.EPOLLEXCLUSIVE],
  ["WAKEUP", E.EPOLLWAKEUP], ["ONESHOT", E.EPOLLONESHOT], ["ET", E.EPOLLET],
];
/** The checkboxes of the epoll_ctl form. */
export const CTL_BITS = ["IN", "OUT", "PRI", "RDHUP", "ET", "ONESHOT", "EXCLUSIVE", "WAKEUP", "ERR", "HUP"];

export function fmtEvents(n) {
  n >>>= 0;
  if (n === 0) return "0";
  const names = [];
  let rest = n;
  for (const [name, bit] of BITS) {
    if ((n & bit) >>> 0) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) names.push("0x" + rest.toString(16));
  return names.join("|");
}

export function fmtRet(ret) {
  if (typeof ret !== "number") return String(ret);
  return ret < 0 ? `-${E.errnoName(ret)}` : String(ret);
}

export function fmtArg(a) {
  if (a === null) return "NULL";
  if (a === undefined) return "undefined";
  if (typeof a === "bigint") return `${a}n`;
  if (a instanceof Uint8Array) return `"${printable(a)}"`;
  if (Array.isArray(a)) return "out";
  if (typeof a === "object" && "events" in a) return `{${fmtEvents(a.events)}, data=${a.data}}`;
  if (typeof a === "object" && "it_value" in a) return `{value=${fmtTs(a.it_value)}, interval=${fmtTs(a.it_interval)}}`;
  if (typeof a === "object" && "tv_sec" in a) return fmtTs(a);
  if (typeof a === "object" && "family" in a && "addr" in a) return `{${a.family === 10 ? "AF_INET6" : "AF_INET"}, ${a.addr}:${a.port}}`;
  if (typeof a === "object" && "family" in a) return `{AF_UNIX, "${String(a.path).replace("\0", "\\0")}"}`;
  return String(a);
}
export const CTL_OPS = { 1: "EPOLL_CTL_ADD", 2: "EPOLL_CTL_DEL", 3: "EPOLL_CTL_MOD", 4: "EPOLL_CTL_DISABLE" };
export function fmtFlags(v, extra) {
  const names = [];
  let rest = v >>> 0;
  for (const [name, bit] of [...extra, ["NONBLOCK", 0x800], ["CLOEXEC", 0x80000]]) {
    if ((rest & bit) === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) names.push("0x" + rest.toString(16));
  return names.length ? names.join("|") : "0";
}
export const fmtTs = (t) => `${t.tv_sec}s+${t.tv_nsec}ns`;
export const msToTs = (ms) => ({ tv_sec: Math.floor(ms / 1000), tv_nsec: (ms % 1000) * 1e6 });

export function printable(bytes) {
  const s = dec.decode(bytes);
  return s.length > 40 ? s.slice(0, 40) + "…" : s.replace(/[\x00-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export const u64 = (v) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
};
export const readU64 = (b) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);

export function fmtNs(ns) {
  const n = BigInt(ns);
  if (n === 0n) return "0 ns";
  if (n % 1000000n === 0n) return `${n / 1000000n} ms`;
  if (n % 1000n === 0n) return `${n / 1000n} µs`;
  return `${n} ns`;
}
