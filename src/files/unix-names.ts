// The kernel's AF_UNIX name space: the names bound sockets are reached by (unix_bind,
// unix_find_other). A path name stands for a socket file: it stays after its socket is
// closed — bind to it is EADDRINUSE, connect ECONNREFUSED — until unlink() removes it, as on
// a file system. An abstract name ("\0" first) goes with its socket.
// MODEL: one flat name space per kernel: no directories, permissions or other file types;
// unlink() is the only file system call.
import { EADDRINUSE, ECONNREFUSED, ENOENT } from "../uapi.js";
import type { UnixNameSpace, UnixSock } from "./socket.js";

export class UnixNames implements UnixNameSpace {
  /** name -> its socket; null: a path whose socket is gone (the file stays). */
  readonly #names = new Map<string, UnixSock | null>();
  #nextAuto = 0;

  /** unix_bind of `name` (not ""): 0, or -EADDRINUSE when the name exists. */
  bind(sk: UnixSock, name: string): number {
    if (this.#names.has(name)) return -EADDRINUSE;
    this.#names.set(name, sk);
    sk.addr = name;
    return 0;
  }

  /**
   * unix_autobind: an abstract name of five hex digits. MODEL: Linux starts from a random
   * number; this counts from 0 so that runs are reproducible.
   */
  autobind(sk: UnixSock): void {
    let name: string;
    do name = "\0" + (this.#nextAuto++ & 0xfffff).toString(16).padStart(5, "0");
    while (this.#names.has(name));
    this.bind(sk, name);
  }

  /** unix_find_other: the socket bound to `name`, or -ENOENT (no such path) / -ECONNREFUSED. */
  find(name: string): UnixSock | number {
    const sk = this.#names.get(name);
    if (sk) return sk;
    return sk === undefined && !name.startsWith("\0") ? -ENOENT : -ECONNREFUSED;
  }

  release(sk: UnixSock): void {
    const name = sk.addr;
    if (name === null || this.#names.get(name) !== sk) return;
    if (name.startsWith("\0")) this.#names.delete(name);
    else this.#names.set(name, null);
  }

  /** unlink(2) of a path: 0, or -ENOENT. A bound socket keeps working; its name is free again. */
  unlink(path: string): number {
    if (!this.#names.has(path) || path.startsWith("\0")) return -ENOENT;
    this.#names.delete(path);
    return 0;
  }
}
