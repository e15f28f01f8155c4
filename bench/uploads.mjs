// Memory of parallel evidence uploads against a running api (starts nothing itself).
//   node bench/uploads.mjs [baseUrl]     (bench/run.sh runs it after the HTTP runs)
// For each type of BENCH_UPLOAD_TYPES (jpeg,png,pdf), uploads BENCH_UPLOADS (10) files of
// about BENCH_UPLOAD_MB (20 MB, just under ATTACHMENT_MAX_BYTES) at once to one case and
// prints, as a Markdown table to quote, the api process's resident memory (VmRSS) before,
// at its peak (VmHWM, reset before each round) and 2 s after; BENCH_UPLOADS_OUT=<file>
// writes the same figures as JSON. The api's pid: API_PID, else the process listening on
// the url's port (found through /proc, Linux only). BENCH_CASE_ID names the case, else the
// director's first. Run it on a freshly started api for figures that include the first
// image's one-time allocations (the slots' input buffers).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';

const base = process.argv[2] ?? process.env.BENCH_URL ?? 'http://127.0.0.1:3900';
const uploads = Number(process.env.BENCH_UPLOADS ?? 10);
const bytes = Math.floor(Number(process.env.BENCH_UPLOAD_MB ?? 20) * 1024 * 1024) - 4096;
const director = process.env.BENCH_DIRECTOR ?? 'dir-xa-01';

async function login(username) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: process.env.DEMO_PASSWORD ?? 'shouhu-demo' }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return (await res.json()).accessToken;
}

/** The pid listening on a TCP port: the socket's inode in /proc/net/tcp{,6}, then the process holding it. */
function pidOfPort(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines = [];
    try {
      lines = readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols[1].endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]);
    }
  }
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(pid);
      } catch {
        /* gone meanwhile */
      }
    }
  }
  throw new Error(`no process listens on port ${port}; set API_PID`);
}

const status = (pid) => {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
};
const url = new URL(base);
const pid = Number(process.env.API_PID ?? pidOfPort(Number(url.port || (url.protocol === 'https:' ? 443 : 80))));
const token = await login(director);
let caseId = process.env.BENCH_CASE_ID;
if (!caseId) {
  const list = await (await fetch(`${base}/api/cases?limit=1`, { headers: { authorization: `Bearer ${token}` } })).json();
  caseId = list.items?.[0]?.id;
  if (!caseId) throw new Error(`${director} sees no case; set BENCH_CASE_ID`);
}

// The files, one run per type (BENCH_UPLOAD_TYPES, default jpeg,png,pdf; BENCH_UPLOAD_TYPE=jpeg
// still picks one): random-noise images that encode to just under the limit (they compress
// badly, so a 20 MB JPEG is about 17 megapixels and a 20 MB PNG about 7), re-encoded by sharp
// on the api; PDFs with a random body, stored as they come (the streaming path end to end).
const types = (process.env.BENCH_UPLOAD_TYPES ?? process.env.BENCH_UPLOAD_TYPE ?? 'jpeg,png,pdf').split(',').map((t) => t.trim().toLowerCase());
const MIME = { jpeg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf' };
for (const t of types) if (!MIME[t]) throw new Error(`BENCH_UPLOAD_TYPES: unknown type ${t} (jpeg, png, pdf)`);

/** A noise image of `type` as close under `bytes` as a few tries get (the size grows with the pixel count). */
async function noiseImage(type, bytes) {
  const { default: sharp } = await import('sharp');
  const encode = (w, h) => {
    const image = sharp({ create: { width: w, height: h, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
    return (type === 'jpeg' ? image.jpeg({ quality: 100 }) : image.png({ compressionLevel: 1 })).toBuffer();
  };
  let [w, h] = [1600, 1200];
  let best = await encode(w, h);
  for (let i = 0; i < 4; i += 1) {
    const scale = Math.sqrt((bytes * 0.985) / best.length);
    [w, h] = [Math.floor(w * scale), Math.floor(h * scale)];
    const next = await encode(w, h);
    if (next.length <= bytes) best = next;
    if (best.length > bytes * 0.97 && best.length <= bytes) break;
  }
  if (best.length > bytes) throw new Error(`could not make a ${type} under ${bytes} bytes`);
  return { file: best, what: `${w}×${h} noise` };
}

function files(type) {
  if (type === 'pdf')
    return Promise.resolve({
      file: Buffer.concat([Buffer.from('%PDF-1.4\n% bench upload\n'), randomBytes(bytes - 40), Buffer.from('\n%%EOF\n')]),
      what: 'random body',
    });
  return noiseImage(type, bytes);
}

/** One round: `uploads` parallel uploads of one file; the api's RSS before, at its peak, and 2 s after. */
async function round(type) {
  const { file, what } = await files(type);
  // Let the api settle, then reset its peak (VmHWM) so the peak is this round's (clear_refs 5; else sampled only).
  await new Promise((r) => setTimeout(r, 1500));
  let hwmReset = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    hwmReset = false;
  }
  const before = status(pid);
  let peak = before.rss;
  const sampler = setInterval(() => (peak = Math.max(peak, status(pid).rss)), 20);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: uploads }, async (_, i) => {
      const form = new FormData();
      form.append('kind', type === 'pdf' ? 'document' : 'photo');
      form.append('file', new Blob([file], { type: MIME[type] }), `bench-${i}.${type === 'jpeg' ? 'jpg' : type}`);
      const res = await fetch(`${base}/api/cases/${caseId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const during = status(pid);
  if (hwmReset) peak = Math.max(peak, during.hwm);
  await new Promise((r) => setTimeout(r, 2000));
  const after = status(pid);
  const ok = results.filter((s) => s === 201).length;
  if (ok !== uploads) console.error(`${type}: statuses ${results.join(', ')}`);
  return { type, what, mb: file.length / 1024 / 1024, ok, seconds, before: before.rss, peak, after: after.rss, sampled: !hwmReset };
}

const rows = [];
for (const type of types) rows.push(await round(type));

const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
console.log(`\n${uploads} parallel uploads per row to ${base} (api pid ${pid}); api resident memory (VmRSS), growth = peak − before\n`);
console.log('| files | 201s | time | api RSS before | peak | after (2 s) | growth | per upload |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${uploads} × ${r.mb.toFixed(1)} MB ${r.type.toUpperCase()} (${r.what}) | ${r.ok}/${uploads} | ${r.seconds.toFixed(1)} s | ${mb(r.before)} | ${mb(r.peak)}${r.sampled ? ' (sampled)' : ''} | ${mb(r.after)} | +${mb(r.peak - r.before)} | ${mb((r.peak - r.before) / uploads)} |`,
  );
if (process.env.BENCH_UPLOADS_OUT) {
  const out = rows.map((r) => ({
    type: r.type,
    files: `${uploads} × ${r.mb.toFixed(1)} MB (${r.what})`,
    created: r.ok,
    seconds: r.seconds,
    rssBeforeMb: Math.round(r.before / 1024),
    rssPeakMb: Math.round(r.peak / 1024),
    rssAfterMb: Math.round(r.after / 1024),
    growthMb: Math.round((r.peak - r.before) / 1024),
    perUploadMb: Math.round((r.peak - r.before) / 1024 / uploads),
    peakSampled: r.sampled,
  }));
  writeFileSync(process.env.BENCH_UPLOADS_OUT, JSON.stringify({ at: new Date().toISOString(), uploads, base, rows: out }, null, 2) + '\n');
}
if (rows.some((r) => r.ok !== uploads)) process.exitCode = 1;
