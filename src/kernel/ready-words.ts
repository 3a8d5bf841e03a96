// The host half of published readiness (assembly/fep.ts): a file type that can say its
// poll mask without running code (pipes) keeps it in its file's readiness word in the
// core's memory, so the core re-polls such items without calling out to vfs_poll.
//
// Rules a publishing file keeps:
//  - the word holds READY_VALID | exactly what f_op->poll would return now, rewritten after
//    every change of state that poll reads (so between syscalls it is never stale);
//  - the registration poll still goes through f_op->poll (it hooks the wait entries and
//    has its side effects, such as the pipe's poll_usage);
//  - the word is cleared (0) when the file is released: its id is reused.
// While the testing toolkit records footprints (fdt.fp), every poll must reach the host
// (it records the read), so nothing is published and what was is withdrawn
// (Process.attachHooks).
import { READY_VALID } from "../abi.js";
import type { CoreExports } from "../core/loader.js";

export class ReadyWords {
  #view: Int32Array | null = null;
  #enabled = true;

  constructor(private readonly core: CoreExports) {}

  /** The word index for file id `id` (0: do not publish). */
  wordOf(id: number): number {
    if (!this.#enabled) return 0;
    return this.core.file_ready_word(id) >>> 2;
  }

  /** Publish `mask` in word `ix` (no-op for 0). */
  publish(ix: number, mask: number): void {
    if (ix === 0 || !this.#enabled) return;
    this.#words()[ix] = (mask | READY_VALID) | 0;
  }

  /** The file behind word `ix` is released: clear the word for the id's next file. */
  release(ix: number): void {
    if (ix === 0) return;
    this.#words()[ix] = 0;
  }

  /** Stop publishing (the owner then releases every word it gave out). */
  disable(): void {
    this.#enabled = false;
  }

  /** A view of the core's memory; growing the memory detaches the old one (length 0). */
  #words(): Int32Array {
    const v = this.#view;
    if (v !== null && v.length !== 0) return v;
    return (this.#view = new Int32Array(this.core.memory.buffer));
  }
}
