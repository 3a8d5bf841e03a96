// The readable trace of a run: each call with its arguments and result, each fault, each
// preemption and each jump of the virtual clock, with the thread and the time.
import { errnoName } from "../errno.js";

/** One line of a run's trace. */
export interface TraceEntry {
  /** Virtual time (CLOCK_MONOTONIC) in milliseconds. */
  readonly timeMs: number;
  /** The thread's name ("main": kernel.sys outside threads). */
  readonly thread: string;
  /** "call": a call returned; "fault": an injected fault; "switch": a preemption; "time": the clock jumped; "note": ctx.note(). */
  readonly kind: "call" | "fault" | "switch" | "time" | "note";
  /** The call with its arguments (after the call: what it filled in), or what happened. */
  readonly text: string;
  /** The call's result ("3", "-EAGAIN"); "" for other kinds. */
  readonly result: string;
}

/** A trace as text, one entry a line. */
export function formatTrace(trace: readonly TraceEntry[]): string {
  return trace
    .map((e) => {
      const t = e.timeMs.toFixed(3).padStart(10);
      const head = `${t} ms  ${e.thread.padEnd(10)} `;
      if (e.kind === "call") return `${head}${e.text} = ${e.result}`;
      if (e.kind === "fault") return `${head}fault: ${e.text}`;
      if (e.kind === "switch") return `${head}-- ${e.text}`;
      if (e.kind === "time") return `${head}.. ${e.text}`;
      return `${head}# ${e.text}`;
    })
    .join("\n");
}

const EPOLL_BITS: [number, string][] = [
  [0x1, "IN"], [0x2, "PRI"], [0x4, "OUT"], [0x8, "ERR"], [0x10, "HUP"], [0x20, "NVAL"], [0x40, "RDNORM"], [0x80, "RDBAND"],
  [0x100, "WRNORM"], [0x200, "WRBAND"], [0x400, "MSG"], [0x2000, "RDHUP"], [1 << 28, "EXCLUSIVE"], [1 << 29, "WAKEUP"],
  [1 << 30, "ONESHOT"], [0x80000000, "ET"],
];

/** An event mask as names: "IN|OUT" ("0" for none). */
export function maskText(m: number): string {
  const names: string[] = [];
  let rest = m >>> 0;
  for (const [bit, name] of EPOLL_BITS) {
    if ((rest & bit) >>> 0) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.length ? names.join("|") : "0";
}

/** A call's result: the number, or -ENAME for an errno. */
export function resultText(r: unknown): string {
  if (typeof r === "number" && r < 0 && Number.isInteger(r)) {
    const n = errnoName(r);
    return n === "UNKNOWN" ? String(r) : `-${n}`;
  }
  return valueText(r, 0);
}

/** A call as text: name(arguments), arguments shown as they are after the call. */
export function callText(name: string, args: readonly unknown[], result: unknown): string {
  const shown = args.map((a, i) => {
    // A read's buffer: the bytes it got.
    if (a instanceof Uint8Array && typeof result === "number" && result > 0 && /^(read|recv|recvfrom)$/.test(name) && i === 1) return bytesText(a.subarray(0, result));
    if (a instanceof Uint8Array && /^(write|send|sendto)$/.test(name) && i === 1) return bytesText(a.subarray(0, typeof args[2] === "number" ? args[2] : a.length));
    if (name === "epoll_ctl" && i === 1 && typeof a === "number" && CTL_OPS[a]) return CTL_OPS[a];
    // epoll_wait's events array: the events it reported.
    if (Array.isArray(a) && /^epoll_p?wait2?$/.test(name) && i === 1) return valueText(a.slice(0, typeof result === "number" && result > 0 ? result : 0), 0);
    return valueText(a, 0);
  });
  return `${name}(${shown.join(", ")})`;
}

const CTL_OPS: Record<number, string> = { 1: "EPOLL_CTL_ADD", 2: "EPOLL_CTL_DEL", 3: "EPOLL_CTL_MOD", 4: "EPOLL_CTL_DISABLE" };

function bytesText(b: Uint8Array): string {
  const printable = b.length <= 24 && b.every((c) => c >= 0x20 && c < 0x7f);
  if (printable) return JSON.stringify(String.fromCharCode(...b));
  if (b.length <= 8) return `<${[...b].map((c) => c.toString(16).padStart(2, "0")).join(" ")}>`;
  return `<${b.length} bytes>`;
}

function valueText(v: unknown, depth: number): string {
  if (v === null) return "NULL";
  if (v === undefined) return "undefined";
  if (typeof v === "bigint") return String(v);
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v !== "object") return String(v);
  if (v instanceof Uint8Array) return `buf[${v.length}]`;
  if (depth > 2) return "…";
  try {
    if (Array.isArray(v)) {
      const items = v.slice(0, 8).map((x) => valueText(x, depth + 1));
      if (v.length > 8) items.push(`… ${v.length - 8} more`);
      return `[${items.join(", ")}]`;
    }
    const o = v as Record<string, unknown>;
    // An epoll_event: its mask by name.
    if (typeof o.events === "number" && "data" in o) return `{${maskText(o.events)}, data: ${valueText(o.data, depth + 1)}}`;
    if (typeof o.fd === "number" && typeof o.events === "number") return `{fd: ${o.fd}, events: ${maskText(o.events)}, revents: ${maskText(Number(o.revents ?? 0))}}`;
    const keys = Object.keys(o).slice(0, 6);
    return `{${keys.map((k) => `${k}: ${valueText(o[k], depth + 1)}`).join(", ")}}`;
  } catch {
    return "<unreadable>"; // user memory whose getters throw
  }
}
