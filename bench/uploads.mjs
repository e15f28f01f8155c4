// Memory of parallel evidence uploads against a running api (starts nothing itself).
//   node bench/uploads.mjs [baseUrl]     (npm run bench:uploads, or bench/run.sh after the HTTP runs)
// Uploads BENCH_UPLOADS (10) files of BENCH_UPLOAD_MB (20 MB, just under ATTACHMENT_MAX_BYTES)
// at once to one case and prints the api process's resident memory (VmRSS) before, at its
// peak and after. The api's pid: API_PID, else the process listening on the url's port
// (found through /proc, Linux only). BENCH_CASE_ID names the case, else the director's first.
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
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;

const url = new URL(base);
const pid = Number(process.env.API_PID ?? pidOfPort(Number(url.port || (url.protocol === 'https:' ? 443 : 80))));
const token = await login(director);
let caseId = process.env.BENCH_CASE_ID;
if (!caseId) {
  const list = await (await fetch(`${base}/api/cases?limit=1`, { headers: { authorization: `Bearer ${token}` } })).json();
  caseId = list.items?.[0]?.id;
  if (!caseId) throw new Error(`${director} sees no case; set BENCH_CASE_ID`);
}

// The files: PDFs by default (stored as they come: the streaming path end to end), random bodies;
// BENCH_UPLOAD_TYPE=jpeg sends a noise photo (~14 MB at 4000×3000) re-encoded by sharp instead.
const type = process.env.BENCH_UPLOAD_TYPE ?? 'pdf';
let files;
if (type === 'jpeg') {
  const { default: sharp } = await import('sharp');
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 100 })
    .toBuffer();
  files = Array.from({ length: uploads }, () => photo);
} else {
  files = Array.from({ length: uploads }, (_, i) =>
    Buffer.concat([Buffer.from(`%PDF-1.4\n% bench upload ${i}\n`), randomBytes(bytes - 40), Buffer.from('\n%%EOF\n')]),
  );
}
const mime = type === 'jpeg' ? 'image/jpeg' : 'application/pdf';
// Let the api settle, then reset its peak (VmHWM) so the peak is this run's (clear_refs 5; else sampled only).
await new Promise((r) => setTimeout(r, 1000));
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
  files.map(async (file, i) => {
    const form = new FormData();
    form.append('kind', 'document');
    form.append('file', new Blob([file], { type: mime }), `bench-${i}.${type === 'jpeg' ? 'jpg' : 'pdf'}`);
    const res = await fetch(`${base}/api/cases/${caseId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
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
console.log(
  `\n${uploads} parallel uploads of ${(files[0].length / 1024 / 1024).toFixed(1)} MB (${type.toUpperCase()}) to ${base}: ${ok} × 201 in ${seconds.toFixed(1)} s`,
);
console.log('| api RSS before | peak | after (2 s) | peak − before | per upload |');
console.log('|---|---|---|---|---|');
console.log(
  `| ${mb(before.rss)} | ${mb(peak)}${hwmReset ? '' : ' (sampled every 20 ms)'} | ${mb(after.rss)} | ${mb(peak - before.rss)} | ${mb((peak - before.rss) / uploads)} |`,
);
if (ok !== uploads) {
  console.error(`statuses: ${results.join(', ')}`);
  process.exitCode = 1;
}
