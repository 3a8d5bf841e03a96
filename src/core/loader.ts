// Loads the eventpoll core (WebAssembly built from assembly/) from the base64 embedded in
// src/core/embedded.ts: no file system, no fetch, so one code path serves Node, bundlers
// and browsers. A hand-written loader over a numbers-only ABI (the AssemblyScript loader is
// deprecated, and the generated ESM bindings need top-level await).
import { DEBUG_WASM_BASE64, RELEASE_WASM_BASE64 } from "./embedded.js";

/** Which core build: "release" (optimized) or "debug" (assertions, invariant walks). */
export type CoreKind = "debug" | "release";

/** The core's exports (assembly/index.ts), typed. Handles are positive i32, errors -errno. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  epoll_create(file: number): number;
  epoll_release(ep: number): number;
  eventpoll_release_file(file: number, ep: number): number;
  file_table_reserve(file: number): number;
  file_ready_word(file: number): number;
  epoll_ctl(ep: number, op: number, file: number, fd: number, tflags: number, tep: number,
    events: number, dataLo: number, dataHi: number): number;
  epoll_wait_check(maxevents: number): number;
  epoll_send_events(ep: number, maxevents: number, fault: number): number;
  events_ptr(): number;
  events_available(ep: number): number;
  eventpoll_poll(ep: number, depth: number): number;
  poll_callback(pwq: number, key: number): number;
  ptable_queue_proc(epi: number): number;
  set_waitqueue_active(ep: number, which: number, active: number): number;
  set_max_user_watches(n: number): void;
  set_memory_limit(bytes: number): number;
  set_failslab(n: number, skip?: number): number; // skip: allocations that succeed first (omitted: 0)
  memory_bytes(): number;
  user_watches(): number;
  core_allocs(): number;
  ep_list_next(ep: number, which: number, epi: number): number;
  ep_field(ep: number, which: number): number;
  cache_live(which: number): number;
  invariants(): number;
  ep_item_next(ep: number, epi: number): number;
  set_index(mode: number): number;
  floor_moves(n: number, rounds: number): number;
  ep_hash_bits(ep: number): number;
  ep_find_item(ep: number, file: number, fd: number): number;
  epitem_field(epi: number, which: number): number;
  wakeup_source_field(ep: number, epi: number, which: number): number;
  pwq_item(pwq: number): number;
  debug_selftest_abort(): number;
  file_watcher(file: number, ep: number, index: number): number;
  epoll_send_begin(ep: number, maxevents: number, fault: number): number;
  epoll_send_step(ep: number): number;
  events_log_ptr(): number;
  epoll_unsend(ep: number, epi: number, prevEvents: number): number;
  epoll_send_end(ep: number): number;
}

/** What the core imports (assembly/host.ts). */
export interface CoreImports {
  vfs_poll(file: number, epi: number, events: number, depth: number): number;
  remove_wait_queue(pwq: number): void;
  set_watched(file: number, watched: number): void;
  wake_ep(ep: number, which: number, key: number): void;
}

/** Thrown when the core aborts (a failed assertion): names the core source file and line. */
export class CoreAbortError extends Error {
  /** From the core's abort(): the assertion's message and where it failed. */
  constructor(
    message: string,
    /** The core source file of the failed assertion. */
    readonly coreFile: string,
    /** Its line. */
    readonly line: number,
    /** Its column. */
    readonly column: number
  ) {
    super(`epoll-wasm core aborted: ${message} (${coreFile}:${line}:${column})`);
    this.name = "CoreAbortError";
  }
}

const modules: Partial<Record<CoreKind, WebAssembly.Module>> = {};

function decodeBase64(b64: string): Uint8Array {
  if (typeof atob === "function") {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  throw new Error("epoll-wasm: no base64 decoder (atob) in this environment");
}

function wasmBytes(kind: CoreKind): Uint8Array {
  return decodeBase64(kind === "debug" ? DEBUG_WASM_BASE64 : RELEASE_WASM_BASE64);
}

/** Reads an AssemblyScript string (UTF-16, byte length in the word before it). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "";
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  const chars = new Uint16Array(memory.buffer, ptr, bytes >>> 1);
  let s = "";
  for (let i = 0; i < chars.length; i++) s += String.fromCharCode(chars[i]);
  return s;
}

function importObject(imports: CoreImports, getMemory: () => WebAssembly.Memory, onAbort: (e: CoreAbortError) => void) {
  return {
    env: {
      abort(msg: number, file: number, line: number, column: number): never {
        const mem = getMemory();
        const e = new CoreAbortError(readAsString(mem, msg), readAsString(mem, file), line, column);
        onAbort(e);
        throw e;
      },
    },
    host: {
      vfs_poll: imports.vfs_poll,
      remove_wait_queue: imports.remove_wait_queue,
      set_watched: imports.set_watched,
      wake_ep: imports.wake_ep,
    },
  };
}

function instanceExports(instance: WebAssembly.Instance): CoreExports {
  return instance.exports as unknown as CoreExports;
}

/** Synchronous instantiation (tests, workers). */
export function instantiateCoreSync(kind: CoreKind, imports: CoreImports, onAbort: (e: CoreAbortError) => void): CoreExports {
  const mod = (modules[kind] ??= new WebAssembly.Module(wasmBytes(kind) as BufferSource));
  let exports: CoreExports | undefined;
  const instance = new WebAssembly.Instance(mod, importObject(imports, () => exports!.memory, onAbort));
  exports = instanceExports(instance);
  return exports;
}

/** Asynchronous instantiation (browsers' main thread refuses large synchronous compiles). */
export async function instantiateCore(kind: CoreKind, imports: CoreImports, onAbort: (e: CoreAbortError) => void): Promise<CoreExports> {
  const mod = (modules[kind] ??= await WebAssembly.compile(wasmBytes(kind) as BufferSource));
  let exports: CoreExports | undefined;
  const instance = await WebAssembly.instantiate(mod, importObject(imports, () => exports!.memory, onAbort));
  exports = instanceExports(instance);
  return exports;
}
