// errnoName(): the symbolic name of an errno value (sign ignored).
import * as U from "./uapi.js";

const names = new Map<number, string>();
for (const [k, v] of Object.entries(U)) {
  if (/^E[A-Z0-9]+$/.test(k) && !k.startsWith("EPOLL") && typeof v === "number" && !names.has(v)) names.set(v, k);
}

/** `9` or `-9` → `"EBADF"`; unknown values → `"E<n>"`. */
export function errnoName(n: number): string {
  const v = Math.abs(n);
  return names.get(v) ?? `E${v}`;
}
