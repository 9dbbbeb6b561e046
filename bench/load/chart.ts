// Owns the SVG chart of a report, drawn here without a chart library: two panels sharing a time axis —
// throughput (operations per second) and latency (p50 solid, p99 dashed, ms) — with one colour per run
// (compare mode: the first round of A and of B), phases laid end to end and marked by dashed lines.
import type { Second } from "./recorder.js";
import type { RunResult } from "./report.js";

export interface ChartLine {
  readonly label: string;
  readonly color: string;
  readonly dash?: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

interface Mark {
  readonly x: number;
  readonly label: string;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
/** Layout (px): width, panel height, margins, the first panel's top and the gap between panels. */
const { W, PANEL_H, LEFT, RIGHT, TOP, GAP } = { W: 900, PANEL_H: 210, LEFT: 70, RIGHT: 20, TOP: 50, GAP: 60 } as const;

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The smallest 1, 2 or 5 × 10^k at or above v (1 when v ≤ 0). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const label = (v: number): string => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(Number(v.toPrecision(3))));

function panel(title: string, lines: readonly ChartLine[], top: number, xMax: number, marks: readonly Mark[]): string {
  const yMax = niceMax(Math.max(0, ...lines.flatMap((l) => l.points.map((p) => p[1]))));
  const plotW = W - LEFT - RIGHT;
  const sx = (x: number): number => Math.round((LEFT + (x / xMax) * plotW) * 10) / 10;
  const sy = (y: number): number => Math.round((top + PANEL_H - (y / yMax) * PANEL_H) * 10) / 10;
  const out: string[] = [`<text x="${LEFT}" y="${top - 8}" font-size="13" font-weight="bold">${esc(title)}</text>`];
  for (let i = 0; i <= 5; i++) {
    const y = (yMax * i) / 5;
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${sy(y) + 4}" font-size="11" text-anchor="end">${label(y)}</text>`);
  }
  const xStep = niceMax(xMax / 10);
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    out.push(`<text x="${sx(x)}" y="${top + PANEL_H + 15}" font-size="11" text-anchor="middle">${label(x)}</text>`);
  }
  for (const m of marks) {
    out.push(`<line x1="${sx(m.x)}" x2="${sx(m.x)}" y1="${top}" y2="${top + PANEL_H}" stroke="#888" stroke-dasharray="4 3"/>`,
      `<text x="${sx(m.x) + 4}" y="${top + 12}" font-size="11" fill="#555">${esc(m.label)}</text>`);
  }
  out.push(`<rect x="${LEFT}" y="${top}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#444"/>`);
  for (const l of lines) {
    if (l.points.length === 0) continue;
    const pts = l.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
    out.push(`<polyline fill="none" stroke="${l.color}" stroke-width="1.8"${l.dash ? ` stroke-dasharray="${l.dash}"` : ""} points="${pts}"/>`);
    // Dots keep short runs (a point or two per phase) visible.
    if (l.points.length <= 120) {
      for (const [x, y] of l.points) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${l.color}"/>`);
    }
  }
  return out.join("\n");
}

function legend(lines: readonly ChartLine[], y: number): string {
  return lines.map((l, i) => {
    const x = LEFT + (i % 3) * 270;
    const yy = y + Math.floor(i / 3) * 16;
    return `<line x1="${x}" x2="${x + 24}" y1="${yy - 4}" y2="${yy - 4}" stroke="${l.color}" stroke-width="2"${l.dash ? ` stroke-dasharray="${l.dash}"` : ""}/>` +
      `<text x="${x + 30}" y="${yy}" font-size="11">${esc(l.label)}</text>`;
  }).join("\n");
}

/** Per-second points of one phase at offset `at`: rates from complete (or mostly complete) seconds only. */
function points(timeline: readonly Second[], seconds: number, at: number, f: (s: Second, span: number) => number | null): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const s of timeline) {
    const span = Math.min(1, seconds - s.t);
    if (span < 0.2) continue;
    const y = f(s, span);
    if (y !== null) out.push([at + s.t + span / 2, y]);
  }
  return out;
}

/** The chart of a report's runs (compare mode: round 1 of each side). */
export function chartSvg(runs: readonly RunResult[], title: string): string {
  const shown = runs.some((r) => r.side !== undefined) ? runs.filter((r) => r.round === 1) : runs;
  const rate: ChartLine[] = [];
  const lat: ChartLine[] = [];
  const marks: Mark[] = [];
  let xMax = 1;
  shown.forEach((r, i) => {
    const color = COLORS[i % COLORS.length];
    const name = r.side !== undefined ? `${r.side}: ${r.target}` : r.target;
    const tp: Array<[number, number]> = [];
    const p50: Array<[number, number]> = [];
    const p99: Array<[number, number]> = [];
    let at = 0;
    for (const p of r.phases) {
      if (i === 0) marks.push({ x: at, label: p.name });
      tp.push(...points(p.timeline, p.seconds, at, (s, span) => s.ops / span));
      p50.push(...points(p.timeline, p.seconds, at, (s) => s.p50));
      p99.push(...points(p.timeline, p.seconds, at, (s) => s.p99));
      at += p.seconds;
    }
    xMax = Math.max(xMax, at);
    rate.push({ label: `${name} ops/s`, color, points: tp });
    lat.push({ label: `${name} p50`, color, points: p50 }, { label: `${name} p99`, color, dash: "6 4", points: p99 });
  });
  const top2 = TOP + PANEL_H + GAP;
  const legendY = top2 + PANEL_H + 40;
  const all = [...rate, ...lat];
  const h = legendY + Math.ceil(all.length / 3) * 16 + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
    panel("throughput (operations per second)", rate, TOP, xMax, marks),
    panel("latency (ms): p50 solid, p99 dashed", lat, top2, xMax, marks),
    `<text x="${W / 2}" y="${top2 + PANEL_H + 30}" font-size="11" text-anchor="middle">seconds</text>`,
    legend(all, legendY),
    "</svg>",
  ].join("\n");
}
