// errnoName(): the symbolic name of an errno value (sign ignored).
import * as U from "./uapi.js";

const names = new Map<number, string>();
for (const [k, v] of Object.entries(U)) {
  if (/^E[A-Z0-9]+$/.test(k) && !k.startsWith("EPOLL") && typeof v === "number" && !names.has(v)) names.set(v, k);
}

/**
 * The errno's name, the sign ignored: `9` or `-9` → `"EBADF"`. Anything that is not a Linux
 * errno number — 0 (success), a number Linux does not define, a non-integer — gives
 * `"UNKNOWN"`, as libuv (and so Node's SystemError) names an error it cannot name.
 */
export function errnoName(n: number): string {
  return (Number.isInteger(n) && names.get(Math.abs(n))) || "UNKNOWN";
}
