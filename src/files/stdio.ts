// The files behind a guest program's fds 0, 1 and 2 (kernel.spawnProcess): character
// devices that hand what is written to the host's callbacks and read from the bytes given
// as stdin, then end of file. MODEL: like the null device the kernel starts with, they have no
// poll (epoll_ctl ADD gives EPERM) and never block; a terminal or a pipe would.
import { NullFile } from "../kernel/file.js";

export class StdioFile extends NullFile {
  #input: Uint8Array;
  #at = 0;
  constructor(
    input: Uint8Array | null,
    private readonly sink: ((bytes: Uint8Array) => void) | null,
    /** A terminal (isatty): C's stdio then buffers stdout by line, not by block. */
    readonly tty = false
  ) {
    super();
    this.#input = input ?? new Uint8Array(0);
  }
  override read(buf: Uint8Array, count: number): number {
    const n = Math.min(count, this.#input.length - this.#at);
    buf.set(this.#input.subarray(this.#at, this.#at + n));
    this.#at += n;
    return n;
  }
  override write(buf: Uint8Array, count: number): number {
    this.sink?.(buf.slice(0, count));
    return count;
  }
}
