// The browser visualizer: a tiny static server (node:http only). Serves web/ at / and the
// built package (dist/, from `npm run build`) at /dist/, on 127.0.0.1 and the port in PORT
// (0 or unset: a free port); tests/guest/wasm at /guest-wasm/ (web/guest.html). Its first line on stdout is the URL. Stops on SIGINT/SIGTERM.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const mounts = [
  ["/dist/", join(root, "dist")],
  // The guest programs' wasm fixtures (web/guest.html runs them).
  ["/guest-wasm/", join(root, "tests", "guest", "wasm")],
  ["/", join(root, "web")],
];
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
  ".ico": "image/x-icon",
};

/** The file a URL path names, or null when it is outside the mounts. */
function resolvePath(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (p.includes("\0")) return null;
  if (p === "/dist") p = "/dist/";
  for (const [prefix, dir] of mounts) {
    if (!p.startsWith(prefix)) continue;
    let rel = p.slice(prefix.length);
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = normalize(join(dir, rel));
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    return file;
  }
  return null;
}

const server = createServer(async (req, res) => {
  const send = (code, body, type = "text/plain; charset=utf-8") => {
    res.writeHead(code, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
    res.end(req.method === "HEAD" ? undefined : body);
  };
  if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
  const url = new URL(req.url ?? "/", "http://localhost");
  const file = resolvePath(url.pathname);
  if (!file) return send(404, "not found\n");
  try {
    const st = await stat(file);
    if (st.isDirectory()) {
      res.writeHead(301, { location: url.pathname + "/" });
      return res.end();
    }
    const body = await readFile(file);
    send(200, body, types[extname(file)] ?? "application/octet-stream");
  } catch (e) {
    const hint = url.pathname.startsWith("/dist/") ? " (run `npm run build` first)" : "";
    send(e && e.code === "ENOENT" ? 404 : 500, `not found: ${url.pathname}${hint}\n`);
  }
});

const port = process.env.PORT ? Number(process.env.PORT) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: bad PORT ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
server.on("error", (e) => {
  console.error(`serve: ${e.message}`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  const { port: bound } = server.address();
  console.log(`epoll-wasm visualizer: http://127.0.0.1:${bound}/`);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.error(`serve: ${signal}, stopping`);
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
