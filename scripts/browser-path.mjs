// Prints the headless Chromium the browser test drives, as one JSON line:
// { "path": ..., "source": "debian" | "npm", "args": [...] }.
// Debian's /usr/bin/chromium when it is installed; otherwise the Chromium build shipped inside
// the @sparticuz/chromium npm package (installed by `npm ci`; executablePath() unpacks it
// under the OS temp folder on first use). EPOLL_WASM_BROWSER=npm forces the npm build, and
// EPOLL_WASM_BROWSER=/path/to/chromium names one. Exits 1, saying why, when none can be had.
import { existsSync, mkdirSync, rmdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DEBIAN = "/usr/bin/chromium";
const choice = process.env.EPOLL_WASM_BROWSER ?? "";
const common = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/**
 * Run `fn` holding a lock shared by every process on this machine: the two jest projects
 * may ask at once, and executablePath() writes the unpacked browser to a fixed path.
 */
async function locked(fn) {
  const lock = join(tmpdir(), "epoll-wasm-chromium.lock");
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      // A lock left by a process that died: take it over after two minutes.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch { /* gone meanwhile */ }
      if (i > 1200) throw new Error(`waited 2 minutes for ${lock}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(lock);
  }
}

async function fromNpm() {
  let chromium;
  try {
    chromium = (await import("@sparticuz/chromium")).default;
  } catch (e) {
    throw new Error(`the @sparticuz/chromium package is not installed (run npm install): ${e.message}`);
  }
  const path = await locked(() => chromium.executablePath());
  // The package's own flags, less its --headless mode (we pass ours) and --single-process
  // (it makes a second page in the same browser unstable).
  const args = chromium.args.filter((a) => !a.startsWith("--headless") && a !== "--single-process");
  return { path, source: "npm", args: [...common, ...args] };
}

try {
  let r;
  if (choice === "npm") r = await fromNpm();
  else if (choice !== "" && choice !== "auto") {
    if (!existsSync(choice)) throw new Error(`EPOLL_WASM_BROWSER=${choice}: no such file`);
    r = { path: choice, source: "env", args: common };
  } else if (existsSync(DEBIAN)) r = { path: DEBIAN, source: "debian", args: common };
  else r = await fromNpm();
  console.log(JSON.stringify(r));
} catch (e) {
  console.error(`browser-path: ${e.message}`);
  process.exit(1);
}
