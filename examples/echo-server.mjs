// An echo server with edge-triggered, non-blocking I/O over AF_UNIX socketpairs.
// Each "client" is one end of a socketpair; the server holds the other end, registered
// with EPOLLIN | EPOLLRDHUP | EPOLLET. Edge-triggered means one event per arrival, so the
// server must read until EAGAIN every time or data would sit unnoticed.
// Run: npm run build && node examples/echo-server.mjs
import { createKernel, EPOLLIN, EPOLLRDHUP, EPOLLHUP, EPOLLET, EpollError } from "epoll-wasm";

const kernel = await createKernel();          // virtual clock: deterministic output
const ep = kernel.epoll();
const dec = new TextDecoder();
const flags = (m) => ["IN", "RDHUP", "HUP"].filter((_, i) => m & [EPOLLIN, EPOLLRDHUP, EPOLLHUP][i]).join("|");

// Three connections: clients[i] is the client end, servers.get(i) the server end.
const clients = [], servers = new Map();
for (const name of ["alice", "bob", "carol"]) {
  const [client, server] = kernel.socketPair({ nonblock: true });
  clients.push({ name, sock: client });
  servers.set(clients.length - 1, server);
  ep.add(server, EPOLLIN | EPOLLRDHUP | EPOLLET, clients.length - 1); // data = connection id
}

// Read everything available: until EAGAIN (drained) or an empty read (peer said EOF).
function readAll(sock) {
  const chunks = [];
  for (;;) {
    try {
      const b = sock.read(4096);
      if (b.length === 0) return { text: chunks.join(""), eof: true };
      chunks.push(dec.decode(b));
    } catch (e) {
      if (e instanceof EpollError && e.code === "EAGAIN") return { text: chunks.join(""), eof: false };
      throw e;
    }
  }
}

// One pass of the server loop: handle every event until a 10 ms wait times out.
async function serve() {
  for await (const ev of ep.events({ timeout: 10 })) {
    const id = Number(ev.data), sock = servers.get(id), who = clients[id].name;
    const { text, eof } = readAll(sock);
    console.log(`server: ${who} [${flags(ev.events)}] read ${JSON.stringify(text)}`);
    if (text) sock.write(text.toUpperCase());            // the "echo"
    if (eof || ev.events & EPOLLRDHUP) {                 // peer shut down its writing side
      ep.delete(sock); sock.close(); servers.delete(id);
      console.log(`server: ${who} hung up, closed and removed (${servers.size} left)`);
    }
  }
}

const send = (i, msg) => { clients[i].sock.write(msg); console.log(`${clients[i].name} -> ${JSON.stringify(msg)}`); };
const recv = (i) => console.log(`${clients[i].name} <- ${JSON.stringify(readAll(clients[i].sock).text)}`);

console.log("-- round 1: two clients talk");
send(0, "hello"); send(1, "hi there");
await serve();
recv(0); recv(1);

console.log("-- round 2: two writes before the server looks: one edge, both read");
send(2, "one,"); send(2, "two");
await serve();
recv(2);

console.log("-- round 3: bob says bye and shuts down writing");
send(1, "bye"); clients[1].sock.shutdown("write");
await serve();
recv(1);

console.log("-- round 4: quiet; no events for the closed connection");
await serve();
console.log(`virtual time ${kernel.now() / 1_000_000n} ms, watching ${kernel.inspect(ep.fd).items.length} sockets`);
ep.close();
