// The queue's p99 against the data size, as SVG (no dependency):
//   node bench/chart.mjs [bench/results/latest.json] [bench/results/queue-p99.svg]
// x: cases (log scale when the sizes span more than a factor 10), y: p99 in ms from 0.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? new URL('./results/latest.json', import.meta.url).pathname;
const out = process.argv[3] ?? new URL('./results/queue-p99.svg', import.meta.url).pathname;
const r = JSON.parse(readFileSync(file, 'utf8'));
const points = r.queueBySize;
const conns = r.scenarios.find((s) => s.name === 'queue-supervisor')?.connections;
const series = [
  { key: 'supervisorP99Ms', label: 'supervisor’s default queue', color: '#1f6feb' },
  { key: 'districtP99Ms', label: 'district, overdue by due time', color: '#d4380d' },
];
const W = 640;
const H = 360;
const L = 64;
const R = 24;
const T = 40;
const B = 56;
const xs = points.map((p) => p.cases);
const ys = points.flatMap((p) => series.map((s) => p[s.key])).filter((v) => typeof v === 'number');
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const svg = [];
svg.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
svg.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
svg.push(
  `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">Queue p99 at ${esc(conns ?? '?')} connections against data size (${esc(r.date.slice(0, 10))})</text>`,
);
if (xs.length > 0 && ys.length > 0) {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const log = hi / lo > 10;
  const fx = (v) => {
    if (hi === lo) return L + (W - L - R) / 2;
    const t = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
    return Number((L + t * (W - L - R)).toFixed(1));
  };
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000].find((s) => Math.max(...ys) / s <= 6) ?? 10000;
  const top = Math.ceil(Math.max(...ys) / step) * step || step;
  const fy = (v) => Number((H - B - (v / top) * (H - T - B)).toFixed(1));
  for (let v = 0; v <= top; v += step) {
    svg.push(`<line x1="${L}" x2="${W - R}" y1="${fy(v)}" y2="${fy(v)}" stroke="#e5e5e5"/>`);
    svg.push(`<text x="${L - 6}" y="${fy(v) + 4}" text-anchor="end">${v}</text>`);
  }
  for (const x of xs) svg.push(`<text x="${fx(x)}" y="${H - B + 18}" text-anchor="middle">${x.toLocaleString('en-US')}</text>`);
  svg.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`);
  svg.push(`<text x="${(L + W - R) / 2}" y="${H - 14}" text-anchor="middle">cases${log ? ' (log scale)' : ''}</text>`);
  svg.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">p99 (ms)</text>`);
  series.forEach((s, i) => {
    const pts = points.filter((p) => typeof p[s.key] === 'number').map((p) => [fx(p.cases), fy(p[s.key])]);
    svg.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) svg.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${s.color}"/>`);
    svg.push(
      `<rect x="${L + 12}" y="${T + 6 + i * 18}" width="12" height="3" fill="${s.color}"/><text x="${L + 30}" y="${T + 11 + i * 18}">${esc(s.label)}</text>`,
    );
  });
} else {
  svg.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`);
}
svg.push('</svg>');
writeFileSync(out, svg.join('\n') + '\n');
