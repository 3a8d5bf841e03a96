// A C program on the model, in the browser: the project's guest fixtures (tests/guest/wasm,
// served at /guest-wasm/) run with kernel.spawnProcess; before each scheduling decision the
// page draws the fd table and every epoll set, and waits a moment so it can be watched.
import { createKernel } from "./dist/index.js";

const $ = (id) => document.getElementById(id);
const hex = (n) => "0x" + (n >>> 0).toString(16);

/** The largest number of watched items any set had, for tests and curious readers. */
let maxItems = 0;

function draw(kernel, next) {
  $("clock").textContent = `${kernel.now()} ns`;
  $("next").textContent = next ? next.name : "–";
  const fds = kernel.fds();
  $("fds").tBodies[0].replaceChildren(...fds.map((f) => {
    const tr = document.createElement("tr");
    for (const v of [f.fd, f.kind, f.file, hex(f.flags), f.poll === null ? "(epoll)" : hex(f.poll)]) {
      const td = document.createElement("td");
      td.textContent = String(v);
      tr.append(td);
    }
    return tr;
  }));
  const sets = fds.filter((f) => f.kind === "epoll").map((f) => {
    const st = kernel.inspect(f.fd);
    const div = document.createElement("div");
    if (!st) return div;
    maxItems = Math.max(maxItems, st.items.length);
    div.dataset.epfd = String(f.fd);
    div.dataset.items = String(st.items.length);
    const h = document.createElement("h4");
    h.textContent = `epoll set fd ${f.fd}: ${st.items.length} watched, ready list [${st.rdllist.join(", ")}]` +
      (st.waiters.length ? `, waiting: ${st.waiters.join(", ")}` : "") + (st.mtxOwner ? `, ep->mtx held by ${st.mtxOwner}` : "");
    const pre = document.createElement("pre");
    pre.textContent = st.items.map((i) => `fd ${i.fd} (${i.kind})  events ${hex(i.events)}  data ${i.data}${i.linked ? "  on the ready list" : ""}`).join("\n");
    div.append(h, pre);
    return div;
  });
  $("sets").replaceChildren(...sets);
  document.body.dataset.maxItems = String(maxItems);
}

async function run() {
  const name = $("program").value;
  const args = $("args").value.trim().split(/\s+/).filter(Boolean);
  const seed = Number($("seed").value) || 0;
  const delay = Math.max(0, Number($("delay").value) || 0);
  document.body.dataset.running = "true";
  $("run").disabled = true;
  $("status").textContent = "…";
  $("out").textContent = "";
  maxItems = 0;
  let steps = 0;
  const dec = new TextDecoder();
  const print = (b) => ($("out").textContent += dec.decode(b));
  try {
    const bytes = await (await fetch(`guest-wasm/${name}.wasm`)).arrayBuffer();
    const kernel = await createKernel({ seed });
    kernel.onSchedule(async (next) => {
      $("steps").textContent = String(++steps);
      draw(kernel, next);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    });
    const status = await kernel.spawnProcess(bytes, { args: [name, ...args], stdout: print, stderr: print, tty: true });
    draw(kernel, null);
    $("status").textContent = String(status);
    document.body.dataset.status = String(status);
  } catch (e) {
    $("status").textContent = "error";
    $("out").textContent += `\n${e instanceof Error ? `${e.name}: ${e.message}` : e}\n`;
    document.body.dataset.status = "error";
  } finally {
    document.body.dataset.running = "false";
    $("run").disabled = false;
  }
}

$("form").addEventListener("submit", (e) => {
  e.preventDefault();
  run();
});
$("program").addEventListener("change", () => {
  $("args").value = { pipetest: "4 12", epwbench: "40 10 3" }[$("program").value] ?? "";
});
const q = new URLSearchParams(location.search);
for (const k of ["program", "args", "seed", "delay"]) if (q.has(k)) $(k).value = q.get(k);
document.body.dataset.ready = "true";
