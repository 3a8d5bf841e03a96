// A connected TCP pair on the kernel's loopback, for the testing toolkit's tests.
import * as E from "../../src/index";
import type { Kernel } from "../../src/index";

/** A listener, a client connected to it, and the accepted server end (accept4 with `flags`). */
export function tcpPair(k: Kernel, flags = 0): { client: number; server: number } {
  const l = k.sys.socket(E.AF_INET, E.SOCK_STREAM, 0);
  k.sys.bind(l, { family: E.AF_INET, addr: "127.0.0.1", port: 0 });
  k.sys.listen(l, 1);
  const name: E.SockAddr = { family: E.AF_INET };
  k.sys.getsockname(l, name);
  const client = k.sys.socket(E.AF_INET, E.SOCK_STREAM, 0);
  if (k.sys.connect(client, name) !== 0) throw new Error("connect failed");
  return { client, server: k.sys.accept4(l, null, flags) };
}
