// The kernel's AF_UNIX name space: the names bound sockets are reached by (unix_bind,
// unix_find_other). A path name stands for a socket file: it stays after its socket is
// closed — bind to it is EADDRINUSE, connect ECONNREFUSED — until unlink() removes it, as on
// a file system. An abstract name ("\0" first) goes with its socket.
// MODEL: one flat name space per kernel: no directories, permissions or other file types;
// unlink() is the only file system call.
import { EADDRINUSE, ECONNREFUSED, ENOENT } from "../uapi.js";
import type { UnixSock } from "./unix-sock.js";

/** Abstract names are per socket type (unix_abstract_hash mixes the type in); paths are files. */
const keyOf = (name: string, type: number) => (name.startsWith("\0") ? `${type}${name}` : name);

export class UnixNames {
  /** name -> its socket; null: a path whose socket is gone (the file stays). */
  readonly #names = new Map<string, UnixSock | null>();
  #nextAuto = 0;

  /** unix_bind of `name` (not ""): 0, or -EADDRINUSE when the name exists. */
  bind(sk: UnixSock, name: string): number {
    const key = keyOf(name, sk.type);
    if (this.#names.has(key)) return -EADDRINUSE;
    this.#names.set(key, sk);
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
    while (this.#names.has(keyOf(name, sk.type)));
    this.bind(sk, name);
  }

  /**
   * unix_find_other: the socket bound to `name` (an abstract name: of socket type `type`),
   * or -ENOENT (no such path) / -ECONNREFUSED. A path may lead to a socket of another type.
   */
  find(name: string, type: number): UnixSock | number {
    const sk = this.#names.get(keyOf(name, type));
    if (sk) return sk;
    return sk === undefined && !name.startsWith("\0") ? -ENOENT : -ECONNREFUSED;
  }

  release(sk: UnixSock): void {
    const name = sk.addr;
    if (name === null) return;
    const key = keyOf(name, sk.type);
    if (this.#names.get(key) !== sk) return;
    if (name.startsWith("\0")) this.#names.delete(key);
    else this.#names.set(key, null);
  }

  /** unlink(2) of a path: 0, or -ENOENT. A bound socket keeps working; its name is free again. */
  unlink(path: string): number {
    if (!this.#names.has(path) || path.startsWith("\0")) return -ENOENT;
    this.#names.delete(path);
    return 0;
  }
}
