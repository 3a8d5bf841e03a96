// npm start: a short live demonstration on the built package (until the browser demo).
import {
  createKernel, errnoName, EPOLLIN, EPOLLOUT, EPOLLET, EPOLLONESHOT, EPOLL_CTL_ADD, EPOLL_CTL_MOD,
  O_NONBLOCK,
} from "epoll-wasm";

const k = await createKernel();
const { sys } = k;
const show = (label, v) => console.log(`${label.padEnd(58)} ${v}`);
const wait = (ep, max = 8) => {
  const out = [];
  const n = sys.epoll_wait(ep, out, max, 0);
  return n < 0 ? `-${errnoName(n)}` : `${n} [${out.slice(0, n).map((e) => `data=${e.data} 0x${e.events.toString(16)}`).join(", ")}]`;
};
const one = new Uint8Array([42]);

console.log("epoll-wasm: Linux eventpoll in WebAssembly — a live tour\n");
const modes = [["level-triggered", EPOLLIN], ["edge-triggered", EPOLLIN | EPOLLET], ["one-shot", EPOLLIN | EPOLLONESHOT]];
for (const [name, events] of modes) {
  const p = [];
  sys.pipe2(p, O_NONBLOCK);
  const ep = sys.epoll_create1(0);
  sys.epoll_ctl(ep, EPOLL_CTL_ADD, p[0], { events, data: 1n });
  sys.write(p[1], one, 1);
  show(`${name}: write 1 byte, epoll_wait`, wait(ep));
  show(`${name}: epoll_wait again (byte still unread)`, wait(ep));
  if (events & EPOLLONESHOT) {
    sys.epoll_ctl(ep, EPOLL_CTL_MOD, p[0], { events, data: 2n });
    show(`${name}: EPOLL_CTL_MOD re-arms, epoll_wait`, wait(ep));
  }
  for (const fd of [ep, ...p]) sys.close(fd);
}

const p = [];
sys.pipe2(p, O_NONBLOCK);
const ep = sys.epoll_create1(0);
sys.epoll_ctl(ep, EPOLL_CTL_ADD, p[0], { events: EPOLLIN, data: 7n });
const d = sys.dup(p[0]);
sys.close(p[0]);
sys.write(p[1], one, 1);
show(`dup(${p[0]}) = ${d}, close(${p[0]}), write: the item lives on`, wait(ep));
show(`epoll_ctl(DEL, ${p[0]})`, `-${errnoName(sys.epoll_ctl(ep, 2, p[0], null))}`);
show(`epoll_ctl(DEL, ${d}) (same file, other fd: another key)`, `-${errnoName(sys.epoll_ctl(ep, 2, d, null))}`);
sys.close(d);
show(`close(${d}): last reference gone, item removed`, wait(ep));

const q = [];
sys.pipe2(q, O_NONBLOCK);
sys.epoll_ctl(ep, EPOLL_CTL_ADD, q[1], { events: EPOLLOUT | EPOLLET, data: 9n });
wait(ep);
let n = 0;
while (sys.write(q[1], one, 1) === 1) n++;
show("fill a pipe with 1-byte writes", `${n} bytes`);
sys.read(q[0], new Uint8Array(1), 1);
show("read 1 byte: a page is not free yet (ET EPOLLOUT)", wait(ep));
sys.read(q[0], new Uint8Array(4095), 4095);
show("read 4095 more: a page buffer is free", wait(ep));
show("core objects live", JSON.stringify(k.liveObjects()));
k.fdt.closeAll();
show("after closing every fd", JSON.stringify(k.liveObjects()));
