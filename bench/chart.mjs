// The scaling chart: ns per event of `ring` against the number of pipes (both axes log),
// with one active pipe, for the model's epoll (rb-tree and 2002 hash index), its poll, the
// C guest path and, where it can run, Linux's; the in-memory floor of the same run is a flat
// line (list moves in the core's wasm, no files).
export function scalingSvg(results) {
  const series = [
    { label: "epoll-wasm epoll", color: "#1f77b4", pick: (r) => r.name === "ring" && r.impl === "wasm" && !r.params.index && !r.params.runtime },
    { label: "epoll-wasm, hash index", color: "#17becf", pick: (r) => r.name === "ring" && r.impl === "wasm" && r.params.index === "hash" },
    { label: "C guest on the model", color: "#9467bd", pick: (r) => r.name === "ring" && r.params.runtime === "guest" },
    { label: "epoll-wasm poll", color: "#ff7f0e", pick: (r) => r.name === "ring" && r.impl === "poll" },
    { label: "Linux epoll", color: "#2ca02c", pick: (r) => r.name === "ring" && r.impl === "linux" },
    { label: "Linux poll", color: "#d62728", pick: (r) => r.name === "ring_poll" && r.impl === "linux" },
  ].map((s) => ({
    ...s,
    points: results
      .filter((r) => s.pick(r) && r.params.active === 1 && !r.unavailable && r.ns_per_event > 0)
      .map((r) => [r.params.pipes, r.ns_per_event])
      .sort((a, b) => a[0] - b[0]),
  }));
  // The floor: one value, drawn across every N.
  const floorRow = results.find((r) => r.name === "floor" && r.ns_per_event > 0);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  if (floorRow && xs.length) {
    const f = floorRow.ns_per_event;
    series.push({ label: "floor (list moves)", color: "#7f7f7f", points: [[Math.min(...xs), f], [Math.max(...xs), f]] });
  }
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n`;
  const W = 680, H = 400, L = 105, R = 170, T = 30, B = 50;
  const lx = (v) => Math.log10(v);
  const [x0, x1] = [Math.floor(lx(Math.min(...all.map((p) => p[0])))), Math.ceil(lx(Math.max(...all.map((p) => p[0]))))];
  const [y0, y1] = [Math.floor(lx(Math.min(...all.map((p) => p[1])))), Math.ceil(lx(Math.max(...all.map((p) => p[1]))))];
  const X = (v) => L + ((lx(v) - x0) / Math.max(1, x1 - x0)) * (W - L - R);
  const Y = (v) => H - B - ((lx(v) - y0) / Math.max(1, y1 - y0)) * (H - T - B);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="14">ring, one active pipe: ns per event vs pipes (log-log)</text>`];
  for (let e = x0; e <= x1; e++) out.push(`<line x1="${X(10 ** e)}" y1="${T}" x2="${X(10 ** e)}" y2="${H - B}" stroke="#ddd"/><text x="${X(10 ** e)}" y="${H - B + 16}" text-anchor="middle">${(10 ** e).toLocaleString("en")}</text>`);
  for (let e = y0; e <= y1; e++) out.push(`<line x1="${L}" y1="${Y(10 ** e)}" x2="${W - R}" y2="${Y(10 ** e)}" stroke="#ddd"/><text x="${L - 6}" y="${Y(10 ** e) + 4}" text-anchor="end">${(10 ** e).toLocaleString("en")}</text>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">pipes</text>`, `<text x="16" y="${(T + H - B) / 2}" transform="rotate(-90 16 ${(T + H - B) / 2})" text-anchor="middle">ns per event</text>`);
  series.forEach((s, i) => {
    if (s.points.length) {
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ")}"/>`);
      for (const [x, y] of s.points) out.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    out.push(`<rect x="${W - R + 12}" y="${T + i * 20}" width="12" height="12" fill="${s.color}"/><text x="${W - R + 30}" y="${T + i * 20 + 10}">${s.label}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
