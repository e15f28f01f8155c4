// Waits for the worker to finish the work the run left it, and watches its memory meanwhile:
//   REDIS_URL=… QUEUE_PREFIX=… node bench/settle.mjs <worker pid> <out.json> [max seconds, default 120]
// bench/run.sh restarts the worker after the deadline scenario (which breached 200,000 deadlines, so as many second
// stages are armed, some of them due): "the end of the run" is when the restarted worker's reconciler has made a
// pass over the timers (it checks the second stages armed since the last pass: those 200,000, on the minute's
// schedule, up to 60 s after the start) and no job of any queue is waiting or running any more (or the limit
// passed). Writes { settledS, settled, reconciled, peakRssMb, rssMb }: the RSS then, and its peak while it caught up
// (measured once a second), so that the report shows both.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssMb } from './cpu.mjs';

const require = createRequire(import.meta.url);
const { Queue } = require('bullmq');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { QUEUE_NAMES } = require(join(ROOT, 'dist/libs/jobs/src/job-registry.js'));
const { RECONCILED_KEY } = require(join(ROOT, 'dist/libs/deadlines/src/deadline-timers.js'));

const [pid, out, maxArg] = process.argv.slice(2);
const maxMs = Number(maxArg ?? 120) * 1000;
const { REDIS_URL, QUEUE_PREFIX } = process.env;
if (!pid || !out || !REDIS_URL || !QUEUE_PREFIX) throw new Error('usage: REDIS_URL=… QUEUE_PREFIX=… node bench/settle.mjs <pid> <out.json> [seconds]');

const queues = QUEUE_NAMES.map((name) => new Queue(name, { connection: { url: REDIS_URL, maxRetriesPerRequest: 1 }, prefix: QUEUE_PREFIX }));
// Jobs waiting, running, or delayed past their time (a worker moves those to waiting when it looks: BullMQ scores a
// delayed job by its time × 0x1000 plus a counter).
const busy = async () => {
  let n = 0;
  for (const q of queues) {
    const c = await q.getJobCounts('waiting', 'active', 'prioritized');
    const due = await (await q.getBackend().connection.client).zcount(q.keys.delayed, 0, Date.now() * 0x1000 + 0xfff);
    n += c.waiting + c.active + c.prioritized + due;
  }
  return n;
};

const deadlines = queues.find((q) => q.name === 'deadlines');
const t0 = Date.now();
// Whether a reconciler pass began after the restart (the key holds when the last complete pass began).
const reconciledSince = async () => {
  const at = Date.parse((await (await deadlines.getBackend().connection.client).get(deadlines.toKey(RECONCILED_KEY))) ?? '');
  return at >= t0 - 1000;
};
let peak = rssMb(pid);
let quietSamples = 0;
let reconciled = false;
// Settled: a reconciler pass since the restart, then two samples a second apart with nothing waiting or running.
while (Date.now() - t0 < maxMs && !(reconciled && quietSamples >= 2)) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  peak = Math.max(peak, rssMb(pid));
  reconciled ||= await reconciledSince();
  quietSamples = reconciled && (await busy()) === 0 ? quietSamples + 1 : 0;
}
const result = {
  settledS: Math.round((Date.now() - t0) / 100) / 10,
  settled: reconciled && quietSamples >= 2,
  reconciled,
  peakRssMb: peak,
  rssMb: rssMb(pid),
};
await Promise.all(queues.map((q) => q.close()));
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(
  `worker ${result.settled ? 'settled' : 'NOT settled'} after ${result.settledS} s (${reconciled ? 'a reconciler pass done' : 'no reconciler pass'}): RSS ${result.rssMb} MB (peak ${result.peakRssMb} MB while it caught up)`,
);
