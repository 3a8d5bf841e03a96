// The browser visualizer (web/) in a real browser: scripts/serve.mjs serves the page and the
// built package, Debian's chromium (driven by playwright-core) plays a scenario and clicks
// through the console, and after every step the state the page *draws* (epoll set sections,
// their rb-tree nodes and [data-list] chips, the fd table, the clock, the log's call and
// event items) must equal, exactly, the same operations run here in Node through
// kernel.sys: fds, return values and errnos, event masks, data, ready-list order.
// The testing toolkit (dist/testing/) runs in the page too: explore() and replay() there
// must find, and repeat, the failure that explore() in Node reports, call for call.
//
// Runs in both jest projects. The page always loads dist/ and so the release core (no
// `process` in a browser); Node replays on this project's core, so the "release" project
// checks page vs. release core and the "debug" project checks the release build in the
// browser against the debug core (with its invariant walk after the test). Each project
// writes its own screenshot (web/test-results/visualizer.png from "release",
// visualizer-debug.png from "debug") so the parallel runs never write the same file.
//
// The browser: Debian's /usr/bin/chromium when installed, else the Chromium build inside the
// @sparticuz/chromium npm package (a devDependency: `npm install` brings it, no root, no
// download); EPOLL_WASM_BROWSER=npm forces the npm build. scripts/browser-path.mjs decides.
// Needs a built dist/ too (`npm test` builds it in pretest). A browser that cannot be found
// or started is a test failure, never a skip.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import * as E from "../src/index";
import { explore, type Scenario, type TraceEntry } from "../src/testing";
import { newKernel } from "./helpers";

const root = join(__dirname, "..");

/** The browser to drive: where it is, where it came from, its command-line flags. */
function chooseBrowser(): { path: string; source: string; args: string[] } {
  try {
    const out = execFileSync(process.execPath, [join(root, "scripts", "browser-path.mjs")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return JSON.parse(out) as { path: string; source: string; args: string[] };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`no browser for tests/browser.test.ts: ${err.stderr || err.message}`);
  }
}
const project = process.env.EPOLL_WASM_CORE === "debug" ? "debug" : "release";
const SHOT = join(root, "web", "test-results", project === "release" ? "visualizer.png" : "visualizer-debug.png");

jest.setTimeout(30_000);

// ---------------------------------------------------------------------------------------
// the server and the browser

let server: ChildProcess | null = null;
let browser: Browser | null = null;
let page: Page | null = null;
let baseUrl = "";
/** Uncaught page errors and console errors: the page must have none. */
const pageErrors: string[] = [];

function startServer(): Promise<string> {
  const child = spawn(process.execPath, [join(root, "scripts", "serve.mjs")], {
    cwd: root,
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`scripts/serve.mjs: ${why}\nstdout: ${out}\nstderr: ${err}`));
    };
    const timer = setTimeout(() => fail("no URL line within 10 s"), 10_000);
    child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      const nl = out.indexOf("\n");
      if (nl < 0) return;
      const m = /^epoll-wasm visualizer: (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(out.slice(0, nl));
      clearTimeout(timer);
      if (m) resolve(m[1]);
      else fail(`unexpected first line ${JSON.stringify(out.slice(0, nl))}`);
    });
    child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
    child.on("error", (e) => fail(String(e)));
    child.on("exit", (code, sig) => fail(`exited early (code ${code}, signal ${sig})`));
  });
}

/** SIGTERM to the server child by its PID; SIGKILL if it has not exited after 3 s. */
async function stopServer(): Promise<void> {
  const child = server;
  server = null;
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  process.kill(pid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), 3000)));
  if ((await Promise.race([exited, late])) === "late") {
    process.kill(pid, "SIGKILL");
    await exited;
  }
  clearTimeout(timer);
}

beforeAll(async () => {
  if (!existsSync(join(root, "dist", "index.js"))) {
    throw new Error("dist/index.js not found: run `npm run build` (npm test does it in pretest).");
  }
  const chosen = chooseBrowser();
  baseUrl = await startServer();
  try {
    browser = await chromium.launch({ executablePath: chosen.path, args: chosen.args });
  } catch (e) {
    throw new Error(`${chosen.source} chromium at ${chosen.path} did not start: ${(e as Error).message}`);
  }
  console.log(`browser test: ${chosen.source} chromium ${browser.version()} (${chosen.path})`);
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // The page has no favicon; chromium's own request for one is no page error.
    if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(baseUrl);
  await page.waitForFunction(() => document.body.dataset.ready !== "false");
  const ready = await page.evaluate(() => document.body.dataset.ready);
  if (ready !== "true") {
    throw new Error(`the page failed to start (body[data-ready=${ready}]): ${await page.textContent("#sets")} ${pageErrors.join("; ")}`);
  }
}, 30_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    browser = null;
    page = null;
    await stopServer();
  }
}, 15_000);

// ---------------------------------------------------------------------------------------
// what the page draws, and what Node says it should draw

interface DrawnSet {
  epfd: number;
  fds: string;
  transferring: string;
  mtxOwner: string;
  tree: { fd: number; kind: string; events: string; data: string; linked: string; chained: string; ready: string }[];
  lists: Record<string, { count: number; fds: number[] }>;
  waiters: string[];
}
interface Drawn {
  sets: DrawnSet[];
  fdtable: { fd: number; kind: string }[];
  clock: string;
  /** The log's call, error and event items, normalized by `logLine`. */
  log: string[];
}

/** Reads the page's drawing (runs in the browser). */
async function drawn(p: Page): Promise<Drawn> {
  const raw = await p.evaluate(() => {
    const all = (el: ParentNode, sel: string) => Array.from(el.querySelectorAll<HTMLElement>(sel));
    return {
      sets: all(document, "#sets section[data-epfd]").map((s) => ({
        epfd: Number(s.dataset.epfd),
        fds: s.dataset.fds ?? "",
        transferring: s.dataset.transferring ?? "",
        mtxOwner: s.dataset.mtxOwner ?? "",
        tree: all(s, '[data-list="tree"] .node').map((n) => ({
          fd: Number(n.dataset.fd),
          kind: n.dataset.kind ?? "",
          events: n.dataset.events ?? "",
          data: n.dataset.data ?? "",
          linked: n.dataset.linked ?? "",
          chained: n.dataset.chained ?? "",
          ready: n.dataset.ready ?? "",
        })),
        lists: Object.fromEntries(["rdllist", "txlist", "ovflist"].map((name) => {
          const l = s.querySelector<HTMLElement>(`[data-list="${name}"]`);
          return [name, l ? { count: Number(l.dataset.count), fds: all(l, ".chip[data-fd]").map((c) => Number(c.dataset.fd)) } : { count: -1, fds: [] }];
        })),
        waiters: all(s, '[data-list="waiters"] [data-thread]').map((w) => w.dataset.thread ?? ""),
      })),
      fdtable: all(document, "#fdtable tbody tr").map((r) => ({ fd: Number(r.dataset.fd), kind: r.dataset.kind ?? "" })),
      clock: document.getElementById("clock")?.textContent ?? "",
      log: all(document, "#log li").map((li) => ({
        kind: li.dataset.kind ?? "",
        text: li.textContent ?? "",
        set: li.dataset.set ?? "",
        events: li.dataset.events ?? "",
        data: li.dataset.data ?? "",
        by: li.dataset.by ?? "",
      })),
    };
  });
  return { ...raw, log: raw.log.flatMap(logLine) };
}

/** A log item as `call name = ret tail`, `error name = -ERRNO`, `event epfd mask data by`. */
function logLine(li: { kind: string; text: string; set: string; events: string; data: string; by: string }): string[] {
  if (li.kind === "event") return [`event ${li.set} ${li.events} ${li.data} ${li.by}`];
  if (li.kind !== "call" && li.kind !== "error") return [];
  const m = /^(\w+)\(.*\) = (-?\w+)(.*)$/s.exec(li.text);
  return [m ? `${li.kind} ${m[1]} = ${m[2]}${m[3]}` : `${li.kind} ?? ${li.text}`];
}

const hex = (n: number) => "0x" + (n >>> 0).toString(16);
const fmtRet = (ret: number) => (ret < 0 ? `-${E.errnoName(ret)}` : String(ret));
const fmtNs = (ns: bigint) =>
  ns === 0n ? "0 ns" : ns % 1_000_000n === 0n ? `${ns / 1_000_000n} ms` : ns % 1000n === 0n ? `${ns / 1000n} µs` : `${ns} ns`;

/** The page's operations (web/app.js), run on a Node kernel of this project's core. */
class Mirror {
  readonly k = newKernel({ seed: 1 });
  readonly log: string[] = [];
  private enc = new TextEncoder();

  private logged(name: string, ret: number, tail = ""): number {
    this.log.push(`${ret < 0 ? "error" : "call"} ${name} = ${fmtRet(ret)}${tail}`);
    return ret;
  }
  pipe(): number[] {
    const p: number[] = [];
    const ret = this.k.sys.pipe2(p, E.O_NONBLOCK); // the page's O_NONBLOCK box is ticked
    this.logged("pipe2", ret, ret === 0 ? ` → [${p.join(", ")}]` : "");
    return p;
  }
  epoll(): number {
    return this.logged("epoll_create1", this.k.sys.epoll_create1(0));
  }
  ctl(epfd: number, op: number, fd: number, events: number, data?: bigint): number {
    const ev = op === E.EPOLL_CTL_DEL ? null : { events, data: data ?? BigInt(fd) };
    return this.logged("epoll_ctl", this.k.sys.epoll_ctl(epfd, op, fd, ev));
  }
  write(fd: number, text: string): number {
    const buf = this.enc.encode(text);
    return this.logged("write", this.k.sys.write(fd, buf, buf.length));
  }
  read(fd: number, count: number): number {
    const buf = new Uint8Array(count);
    const ret = this.k.sys.read(fd, buf, count);
    return this.logged("read", ret, ret > 0 ? ` → "${new TextDecoder().decode(buf.subarray(0, ret))}"` : "");
  }
  wait(epfd: number, maxevents: number, timeout: number): number {
    const out: E.EpollEvent[] = [];
    const n = this.logged("epoll_wait", this.k.sys.epoll_wait(epfd, out, maxevents, timeout));
    for (let i = 0; i < n; i++) this.log.push(`event ${epfd} ${hex(out[i].events)} ${out[i].data} main`);
    return n;
  }
  nanosleep(ms: number): number {
    return this.logged("nanosleep", this.k.sys.nanosleep({ tv_sec: Math.floor(ms / 1000), tv_nsec: (ms % 1000) * 1e6 }));
  }

  /** What the page should draw now. */
  expected(): Drawn {
    const fds = this.k.fds();
    const sets: DrawnSet[] = [];
    for (const { fd, kind } of fds) {
      if (kind !== "epoll") continue;
      const st = this.k.inspect(fd)!;
      const list = (l: number[]) => ({ count: l.length, fds: l });
      sets.push({
        epfd: fd,
        fds: String(fd),
        transferring: String(st.transferring),
        mtxOwner: st.mtxOwner ?? "",
        tree: st.items.map((it) => ({
          fd: it.fd, kind: it.kind, events: hex(it.events), data: String(it.data),
          linked: String(it.linked), chained: String(it.chained), ready: hex(it.ready),
        })),
        lists: { rdllist: list(st.rdllist), txlist: list(st.txlist), ovflist: list(st.ovflist) },
        waiters: st.waiters,
      });
    }
    return {
      sets,
      fdtable: fds.map(({ fd, kind }) => ({ fd, kind })),
      clock: fmtNs(this.k.now()),
      log: [...this.log],
    };
  }
}

/** Clicks a console button and waits until the page is idle (the action has rendered). */
async function click(p: Page, id: string): Promise<void> {
  await p.click(`#${id}`);
  await p.evaluate(() => (window as unknown as { __epoll: { idle(): Promise<void> } }).__epoll.idle());
}

// ---------------------------------------------------------------------------------------
// the tests

/** Plays a visualizer scenario with no delay and waits until the page is idle. */
async function playScenario(p: Page, name: string): Promise<void> {
  await p.selectOption("#scenario", name);
  await p.fill("#scenario-delay", "0");
  await p.click("#op-play");
  await p.evaluate(() => (window as unknown as { __epoll: { idle(): Promise<void> } }).__epoll.idle());
}

/** The text of every line of the page's log. */
const logLines = (p: Page): Promise<string[]> => p.$$eval("#log li", (lis) => lis.map((li) => li.textContent ?? ""));

test("the lt-vs-et scenario, played from the page, draws what kernel.sys computes", async () => {
  const p = page!;
  await playScenario(p, "lt-vs-et");
  const scenarioLog = await p.$$eval('#log li[data-kind="scenario"]', (lis) => lis.map((li) => li.textContent));
  expect(scenarioLog[0]).toBe("▶ level- vs edge-triggered");
  expect(scenarioLog[scenarioLog.length - 1]).toBe("■ level- vs edge-triggered done");

  // The scenario's operations (web/app.js, scenarios[0]).
  const m = new Mirror();
  const a = m.pipe(), b = m.pipe();
  const ep = m.epoll();
  m.ctl(ep, E.EPOLL_CTL_ADD, a[0], E.EPOLLIN, 1n);
  m.ctl(ep, E.EPOLL_CTL_ADD, b[0], E.EPOLLIN | E.EPOLLET, 2n);
  m.write(a[1], "a");
  m.write(b[1], "b");
  expect(m.k.inspect(ep)!.rdllist).toEqual([a[0], b[0]]);
  expect(m.wait(ep, 8, 0)).toBe(2);
  expect(m.wait(ep, 8, 0)).toBe(1); // LT again, ET not
  m.write(b[1], "b");
  expect(m.wait(ep, 8, 0)).toBe(2);
  m.read(a[0], 64);
  m.read(b[0], 64);
  expect(m.wait(ep, 8, 0)).toBe(0);

  const want = m.expected();
  // Spelled out once, so a change on both sides at once still shows up here.
  expect(want.log.filter((l) => l.startsWith("event"))).toEqual([
    `event ${ep} 0x1 1 main`, `event ${ep} 0x1 2 main`,
    `event ${ep} 0x1 1 main`,
    `event ${ep} 0x1 1 main`, `event ${ep} 0x1 2 main`,
  ]);
  expect(await drawn(p)).toEqual(want);
  expect(pageErrors).toEqual([]);
});

test("operations clicked in the console draw, step by step, what kernel.sys computes", async () => {
  const p = page!;
  await p.fill("#seed", "1");
  await click(p, "op-reset"); // a fresh kernel and an empty log
  const m = new Mirror();
  const check = async (what: string) => {
    const got = await drawn(p);
    const want = m.expected();
    try {
      expect(got).toEqual(want);
    } catch (e) {
      (e as Error).message = `after ${what}:\n${(e as Error).message}`;
      throw e;
    }
  };
  await check("reset");

  // Three pipes and a set.
  const pipes: number[][] = [];
  for (let i = 0; i < 3; i++) {
    await click(p, "op-pipe");
    pipes.push(m.pipe());
    await check(`pipe2 #${i + 1}`);
  }
  const [a, b, c] = pipes;
  await click(p, "op-epoll");
  const ep = m.epoll();
  await check("epoll_create1");

  // A level-triggered with data 33, B edge-triggered with the default data (= fd),
  // C level-triggered with data 77; then C again: EEXIST.
  const ctl = async (fd: number, et: boolean, data: string) => {
    await p.selectOption("#ctl-epfd", String(ep));
    await p.selectOption("#ctl-op", String(E.EPOLL_CTL_ADD));
    await p.selectOption("#ctl-fd", String(fd));
    await p.check("#ev-IN");
    if (et) await p.check("#ev-ET");
    else await p.uncheck("#ev-ET");
    await p.fill("#ctl-data", data);
    await click(p, "op-ctl");
    const ret = m.ctl(ep, E.EPOLL_CTL_ADD, fd, E.EPOLLIN | (et ? E.EPOLLET : 0), data === "" ? undefined : BigInt(data));
    await check(`epoll_ctl ADD ${fd}`);
    return ret;
  };
  expect(await ctl(a[0], false, "33")).toBe(0);
  expect(await ctl(b[0], true, "")).toBe(0);
  expect(await ctl(c[0], false, "77")).toBe(0);
  expect(await ctl(c[0], false, "77")).toBe(-E.EEXIST);

  // Writes in the order C, A, B: the ready list is in callback order.
  const write = async (fd: number, text: string) => {
    await p.selectOption("#io-fd", String(fd));
    await p.fill("#io-data", text);
    await click(p, "op-write");
    expect(m.write(fd, text)).toBe(text.length);
    await check(`write ${fd}`);
  };
  await write(c[1], "c");
  await write(a[1], "a");
  await write(b[1], "bb");
  expect(m.k.inspect(ep)!.rdllist).toEqual([c[0], a[0], b[0]]);

  // maxevents 2: C and A delivered and, being level-triggered, re-queued behind B.
  const wait = async (max: number) => {
    await p.selectOption("#wait-epfd", String(ep));
    await p.fill("#wait-max", String(max));
    await p.fill("#wait-timeout", "0");
    await click(p, "op-wait");
    const n = m.wait(ep, max, 0);
    await check(`epoll_wait max ${max}`);
    return n;
  };
  expect(await wait(2)).toBe(2);
  expect(m.k.inspect(ep)!.rdllist).toEqual([b[0], c[0], a[0]]);

  // Drain A: still linked, no longer ready (nothing re-polls it until the next wait).
  await p.selectOption("#io-fd", String(a[0]));
  await p.fill("#io-len", "64");
  await click(p, "op-read");
  expect(m.read(a[0], 64)).toBe(1);
  await check(`read ${a[0]}`);

  // 100 ms of virtual time.
  await p.fill("#sleep-ms", "100");
  await click(p, "op-sleep");
  expect(m.nanosleep(100)).toBe(0);
  await check("nanosleep 100 ms");
  expect((await drawn(p)).clock).toBe("100 ms");

  // B (ET, one report for its write) and C (LT, re-queued); A is dropped, not ready.
  expect(await wait(8)).toBe(2);
  const final = m.expected();
  expect(final.sets[0].lists.rdllist.fds).toEqual([c[0]]);
  expect(final.log.filter((l) => l.startsWith("event"))).toEqual([
    `event ${ep} 0x1 77 main`, `event ${ep} 0x1 33 main`,
    `event ${ep} 0x1 ${b[0]} main`, `event ${ep} 0x1 77 main`,
  ]);
  expect(final.log).toContain(`error epoll_ctl = -EEXIST`);

  mkdirSync(join(root, "web", "test-results"), { recursive: true });
  await p.screenshot({ path: SHOT, fullPage: true });
  expect(existsSync(SHOT)).toBe(true);
  expect(pageErrors).toEqual([]);
});

test("the accept-herd scenario: a connection wakes the non-exclusive set and exactly one exclusive set", async () => {
  const p = page!;
  await playScenario(p, "accept-herd");
  const lines = await logLines(p);
  const waits = lines.filter((l) => /server-[ABC]: epoll_wait\(\d+, 1, 100\) = /.test(l));
  expect(waits.length).toBe(3);
  const woken = waits.filter((l) => l.includes("(woken)")).map((l) => l.match(/server-([ABC])/)![1]).sort();
  expect(woken.length).toBe(2);
  expect(woken).toContain("C"); // a non-exclusive entry is always woken
  expect(["A", "B"].filter((x) => woken.includes(x)).length).toBe(1); // one exclusive entry
  const accepts = lines.filter((l) => /server-[ABC]: accept4\(\d+\) = /.test(l));
  expect(accepts.length).toBe(2);
  expect(accepts.filter((l) => l.endsWith("= -EAGAIN")).length).toBe(1); // the race's loser
  expect(lines.some((l) => l.includes('client: connect(') && l.endsWith("= 0"))).toBe(true);
  expect(pageErrors).toEqual([]);
});

test("the signals scenario: a blocked signal is pending on its thread, then handled there when unblocked", async () => {
  const p = page!;
  await playScenario(p, "signals");
  const lines = await logLines(p);
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  expect(at(/sender: tgkill\(\d+, SIGUSR1\) = 0/)).toBeGreaterThan(-1);
  expect(at(/worker: nanosleep\(20 ms\) = 0/)).toBeGreaterThan(at(/sender: tgkill/)); // not interrupted
  expect(at(/handler for signal 10 runs on worker/)).toBeGreaterThan(at(/worker: nanosleep/));
  expect(at(/handler for signal 10 runs on worker/)).toBeLessThan(at(/worker: sigprocmask\(SIG_UNBLOCK/));
  const worker = await p.$eval('#threads li[data-thread="worker"]', (li) => li.textContent ?? "");
  expect(worker).toContain("handled [10]");
  expect(pageErrors).toEqual([]);
});

// ---------------------------------------------------------------------------------------
// epoll-wasm/testing in the browser: explore() and replay() from the served dist/testing/

/**
 * The scenario's source, shared by the page and Node: two workers share a level-triggered set
 * without EPOLLONESHOT on a non-blocking pipe holding 2 bytes; both can be told the fd is
 * readable and the loser's read gets EAGAIN. It closes over nothing but its argument (the
 * package's constants), so the page can rebuild it from `toString()`.
 */
function sharedLtScenario(C: typeof E): Scenario {
  return async (kernel) => {
    const fds: number[] = [];
    if (kernel.sys.pipe2(fds, C.O_NONBLOCK) !== 0) throw new Error("pipe2 failed");
    const [r, w] = fds;
    const ep = kernel.sys.epoll_create1(0);
    if (kernel.sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, r, { events: C.EPOLLIN, data: BigInt(r) }) !== 0) throw new Error("epoll_ctl failed");
    if (kernel.sys.write(w, new Uint8Array([1, 2]), 2) !== 2) throw new Error("write failed");
    let handled = 0;
    for (const name of ["worker-a", "worker-b"]) {
      kernel.spawn(async (sys) => {
        const evs: E.EpollEvent[] = [];
        const buf = new Uint8Array(1);
        while (handled < 2) {
          const n = await sys.epoll_wait(ep, evs, 1, 5);
          if (n === 0) continue;
          const got = await sys.read(r, buf, 1);
          if (got !== 1) throw new Error("read returned " + got);
          handled++;
        }
      }, name);
    }
  };
}

/** What one explore() + replay() gives back, as plain data. */
interface Explored {
  runs: number;
  failures: number;
  error: string;
  trace: string;
  replayed: string;
  replayFailed: boolean;
  schedule: string;
  seed: string;
}

test("epoll-wasm/testing runs in the page: explore finds the shared-LT race, replay repeats it, Node gives the same trace", async () => {
  const p = page!;
  const strategies = [{ strategy: "exhaustive" as const }, { strategy: "pct" as const, runs: 20 }];
  const inPage = await p.evaluate(async ({ base, src, strategies }) => {
    // A script-context import(): ts-jest compiles this file to CommonJS, which would turn a
    // literal import() into require().
    const load = new Function("u", "return import(u)") as (u: string) => Promise<any>;
    const C = await load(new URL("dist/index.js", base).href);
    const T = await load(new URL("dist/testing/index.js", base).href);
    const scenario = new Function(`return (${src})`)()(C);
    const msg = (e: any) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    const out = [];
    for (const opts of strategies) {
      const report = await T.explore(scenario, opts);
      const f = report.failures[0];
      const again = f ? await T.replay(scenario, f.seed, opts) : null;
      out.push({
        runs: report.runs,
        failures: report.failures.length,
        error: f ? msg(f.error) : "",
        trace: f ? JSON.stringify(f.trace) : "",
        replayed: again ? JSON.stringify(again.trace) : "",
        replayFailed: again ? again.failed : false,
        schedule: f ? f.schedule : "",
        seed: f ? String(f.seed) : "",
      });
    }
    return out;
  }, { base: baseUrl, src: sharedLtScenario.toString(), strategies });

  expect(inPage).toHaveLength(2);
  for (const r of inPage as Explored[]) {
    expect(r.failures).toBe(1);
    expect(r.error).toContain("read returned -11");
    expect(r.replayFailed).toBe(true);
    expect(r.replayed).toBe(r.trace);
    expect(r.schedule).toMatch(/^v1:/);
    const trace = JSON.parse(r.trace) as TraceEntry[];
    expect(trace.some((e) => e.kind === "call" && e.text.startsWith("read(") && e.result === "-EAGAIN")).toBe(true);
  }

  // The same scenario and options in Node (this project's core): the same failure, call by call.
  for (const [i, opts] of strategies.entries()) {
    const report = await explore(sharedLtScenario(E), opts);
    expect(report.failures).toHaveLength(1);
    const f = report.failures[0];
    expect(JSON.stringify(f.trace)).toBe(inPage[i].trace);
    expect(f.schedule).toBe(inPage[i].schedule);
    expect(String(f.seed)).toBe(inPage[i].seed);
  }
  expect(pageErrors).toEqual([]);
});

test("web/guest.html runs a C program (the pipetest fixture) in the page and draws its epoll set as it runs", async () => {
  const p = page!;
  await p.goto(new URL("guest.html?program=pipetest&args=3%205&seed=1&delay=0", baseUrl).href);
  await p.waitForSelector("body[data-ready=true]");
  await p.click("#run");
  await p.waitForSelector("body[data-status]", { timeout: 20_000 });
  const shown = await p.evaluate(() => ({
    status: document.body.dataset.status,
    out: document.getElementById("out")!.textContent,
    maxItems: document.body.dataset.maxItems,
    steps: Number(document.getElementById("steps")!.textContent),
  }));
  // The same fixture in Node, on this project's core: the same output and status.
  const { readFileSync } = await import("node:fs");
  const k = newKernel();
  let out = "";
  const status = await k.spawnProcess(readFileSync(join(root, "tests/guest/wasm/pipetest.wasm")), {
    args: ["pipetest", "3", "5"],
    stdout: (b) => (out += new TextDecoder().decode(b)),
  });
  expect(shown).toEqual({ status: String(status), out, maxItems: "3", steps: expect.any(Number) });
  expect(out).toBe("pipes 3 hops 5\nepoll_wait calls 5 events 5\ntoken in pipe 2 value 5\nok\n");
  expect(shown.steps).toBeGreaterThan(0);
  expect(pageErrors).toEqual([]);
});
