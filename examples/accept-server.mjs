// The server of the 2002 thread that gave Linux epoll, on TCP over the kernel's loopback
// network (127.0.0.1:8080): HTTP/1.0 over edge-triggered, non-blocking sockets, served by
// three threads. Each server
// thread has its own epoll set; all three watch the one shared listening socket with
// EPOLLIN | EPOLLEXCLUSIVE, so a connection wakes one of them, not the herd. A woken thread
// accepts until EAGAIN (several connections may be queued behind one wakeup), adds each new
// connection to its own set with EPOLLIN | EPOLLET, reads the request until EAGAIN, answers
// and closes; each request takes 12 ms of work. A client thread sends a request every 5 ms
// (so the thread that took the last one is busy and the next idle one is woken), then two
// at once, and reads each answer to end of file. Then a load generator opens 40 idle ("dead")
// connections that never send, and 20 more clients make a request each: the servers carry
// the dead connections in their sets at no cost per request (epoll reports only what is
// ready), and each request is still answered.
// Run: npm run build && node examples/accept-server.mjs
import {
  createKernel, AF_INET, SOCK_STREAM, SOCK_NONBLOCK, EPOLLIN, EPOLLET, EPOLLEXCLUSIVE, EPOLL_CTL_ADD, EPOLL_CTL_DEL,
  EINTR, SIGTERM, errnoName,
} from "epoll-wasm";

const kernel = await createKernel({ seed: 4 });
const { sys } = kernel;
// SIGTERM's default action ends the whole process; with a handler it only interrupts each
// thread's epoll_wait (-EINTR: epoll_wait is never restarted), and the threads end cleanly.
sys.sigaction(SIGTERM, { handler: () => {} });
const ms = () => `${String(kernel.now() / 1_000_000n).padStart(3)} ms`;
const enc = new TextEncoder();
const dec = new TextDecoder();
const ADDR = { family: AF_INET, addr: "127.0.0.1", port: 8080 };
let quiet = false; // the load phase prints a summary, not every request

const listener = sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
sys.bind(listener, ADDR);
sys.listen(listener, 16);

const wakeups = new Map();
const served = new Map();
const server = (name) => kernel.spawn(async (ts) => {
  const ep = await ts.epoll_create1(0);
  await ts.epoll_ctl(ep, EPOLL_CTL_ADD, listener, { events: EPOLLIN | EPOLLEXCLUSIVE, data: -1 });
  wakeups.set(name, 0);
  const requests = new Map(); // fd -> the request text so far
  for (;;) {
    const events = [];
    const n = await ts.epoll_wait(ep, events, 8, -1);
    if (n === -EINTR) return `${name} stopped`;
    wakeups.set(name, wakeups.get(name) + 1);
    for (const ev of events.slice(0, n)) {
      if (ev.data === -1n || ev.data === 0xffffffffffffffffn) {
        // Accept until EAGAIN: one wakeup may stand for several queued connections.
        let fd;
        const got = [];
        while ((fd = await ts.accept4(listener, null, SOCK_NONBLOCK)) >= 0) {
          await ts.epoll_ctl(ep, EPOLL_CTL_ADD, fd, { events: EPOLLIN | EPOLLET, data: fd });
          requests.set(fd, "");
          got.push(fd);
        }
        if (!quiet) console.log(`${ms()}  ${name}: ` + (got.length ? `accepted fd ${got.join(", ")}, then ${errnoName(fd)}` : `woken, but another thread accepted it: ${errnoName(fd)}`));
        continue;
      }
      // A connection is readable: read until EAGAIN (edge-triggered), then answer a full request.
      const fd = Number(ev.data);
      const buf = new Uint8Array(256);
      let r;
      while ((r = await ts.read(fd, buf, buf.length)) > 0) requests.set(fd, requests.get(fd) + dec.decode(buf.subarray(0, r)));
      const req = requests.get(fd);
      if (r === 0 && !req.endsWith("\r\n\r\n")) {
        // End of file before a whole request: the client went away (an idle connection closed).
        await ts.epoll_ctl(ep, EPOLL_CTL_DEL, fd, null);
        await ts.close(fd);
        requests.delete(fd);
        continue;
      }
      if (!req.endsWith("\r\n\r\n")) continue; // not all of it yet (r is -EAGAIN)
      const path = req.split(" ")[1];
      if (!quiet) await ts.usleep(12_000); // the work takes 12 ms
      const body = `hello from ${name} for ${path}\n`;
      const answer = enc.encode(`HTTP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await ts.write(fd, answer, answer.length);
      served.set(name, (served.get(name) ?? 0) + 1);
      if (!quiet) console.log(`${ms()}  ${name}: GET ${path} -> 200`);
      await ts.epoll_ctl(ep, EPOLL_CTL_DEL, fd, null);
      await ts.close(fd);
      requests.delete(fd);
    }
  }
}, name);
const servers = ["s0", "s1", "s2"].map(server);

const client = kernel.spawn(async (ts) => {
  const open = async (path) => {
    const fd = await ts.socket(AF_INET, SOCK_STREAM, 0); // a blocking client
    const r = await ts.connect(fd, ADDR);
    if (r < 0) throw new Error(`connect: ${errnoName(r)}`);
    const req = enc.encode(`GET ${path} HTTP/1.0\r\n\r\n`);
    await ts.write(fd, req, req.length);
    if (!quiet) console.log(`${ms()}  client: GET ${path}`);
    return { fd, path };
  };
  const answer = async ({ fd, path }) => {
    let text = "";
    const buf = new Uint8Array(256);
    for (let r; (r = await ts.read(fd, buf, buf.length)) > 0; ) text += dec.decode(buf.subarray(0, r));
    await ts.close(fd);
    if (!quiet) console.log(`${ms()}  client: ${path} <- "${text.split("\r\n\r\n")[1].trim()}"`);
    return text.startsWith("HTTP/1.0 200 OK");
  };
  // One request every 5 ms: a server busy with the last one is not waiting, so the
  // exclusive wakeup goes to the next idle thread.
  await ts.usleep(1_000); // let the servers reach epoll_wait first
  const pending = [];
  for (const path of ["/a", "/b", "/c", "/d"]) {
    pending.push(await open(path));
    await ts.usleep(5_000);
  }
  for (const c of pending) await answer(c);
  await ts.usleep(10_000);
  console.log(`${ms()}  client: two connections at once`);
  const both = [await open("/e"), await open("/f")];
  for (const c of both) await answer(c);
  await ts.usleep(10_000);
  // The load generator: 40 dead connections, then 20 requests.
  quiet = true;
  served.clear();
  const dead = [];
  for (let i = 0; i < 40; i++) {
    const fd = await ts.socket(AF_INET, SOCK_STREAM, 0);
    if ((await ts.connect(fd, ADDR)) < 0) throw new Error("connect");
    dead.push(fd);
  }
  await ts.usleep(1_000);
  let ok = 0;
  for (let i = 0; i < 20; i++) if (await answer(await open(`/load/${i}`))) ok++;
  console.log(`${ms()}  client: ${dead.length} idle connections open; ${ok} of 20 requests answered 200 (${[...served].sort().map(([n, c]) => `${n}:${c}`).join(" ")})`);
  for (const fd of dead) await ts.close(fd);
  await ts.usleep(10_000);
  for (const t of servers) t.kill(SIGTERM);
  return "done";
}, "client");

await kernel.run();
console.log(`client: ${await client.join()}; ${(await Promise.all(servers.map((t) => t.join()))).join(", ")}`);
console.log(`wakeups: ${[...wakeups].sort().map(([n, c]) => `${n}=${c}`).join(" ")}`);
