// Where the CPU went while a scenario ran: the time each process used, read from /proc (Linux; null
// elsewhere), summed by role. A ratio to a ceiling says how far the app is from it; this says why:
// on a machine of two cores, a filing's Node time and PostgreSQL's time come out of the same two.
//   const watch = cpuWatch(db); …run (asynchronously: the watch samples on a timer)…; const used = watch.stop();
// Roles: the api, the worker, Redis; PostgreSQL: its backends connected to `db` (the statements'
// work); PostgreSQL's background: its WAL writer, background writer, checkpointer and autovacuum,
// apart (a checkpoint or a vacuum comes in bursts that a window catches or not); the load generator: this process and the children it waited for
// (wrk, pgbench). A process that ends during the run (pgbench's backends, as it ends) counts up to
// its last sample, every SAMPLE_MS: the sampling reads a few files, and costs the run next to nothing.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const SAMPLE_MS = 100;
export const ROLES = ['api', 'worker', 'postgres', 'pgBackground', 'redis', 'loadgen'];

let ticksPerSecond = null;
const tick = () => {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
};

/** The fields of /proc/<pid>/stat after the command name: utime, stime, cutime, cstime are at 11–14. */
const statFields = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
const ticksMs = (...ticks) => (ticks.reduce((sum, t) => sum + Number(t), 0) * 1000) / tick();

/** The role a process plays in the run, by its command line, or null (not counted). */
function roleOf(cmdline, db) {
  if (/dist\/apps\/api\/src\/main\.js/.test(cmdline)) return 'api';
  if (/dist\/apps\/worker\/src\/main\.js/.test(cmdline)) return 'worker';
  if (/^(?:\S*\/)?redis-server\b/.test(cmdline)) return 'redis';
  const backend = /^postgres: (\S+) (\S+) (?:\S+\(\d+\)|\[local\])/.exec(cmdline);
  if (backend) return backend[2] === db ? 'postgres' : null;
  if (/^postgres: (?:autovacuum|walwriter|background writer|checkpointer)/.test(cmdline)) return 'pgBackground';
  return null;
}

/** Starts sampling; stop() gives the CPU milliseconds each role used since, or null without /proc. */
export function cpuWatch(db) {
  try {
    readdirSync('/proc/self');
  } catch {
    return { stop: () => null };
  }
  const selfMs = () => {
    const f = statFields('self');
    return ticksMs(f[11], f[12], f[13], f[14]);
  };
  const selfFrom = selfMs();
  /** pid → { role, from, last } for counted processes; pid → null for the others. */
  const seen = new Map();
  const sample = (first) => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || pid === String(process.pid)) continue;
      let entry = seen.get(pid);
      if (entry === null) continue;
      try {
        if (entry === undefined) {
          const role = roleOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim(), db);
          if (!role) {
            seen.set(pid, null);
            continue;
          }
          const f = statFields(pid);
          const ms = ticksMs(f[11], f[12]);
          // Already running when the watch began: what it used before does not count.
          entry = { role, from: first ? ms : 0, last: ms };
          seen.set(pid, entry);
        } else {
          const f = statFields(pid);
          entry.last = ticksMs(f[11], f[12]);
        }
      } catch {
        // The process ended: it counts up to its last sample.
      }
    }
  };
  sample(true);
  const timer = setInterval(() => sample(false), SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      sample(false);
      const used = Object.fromEntries(ROLES.map((r) => [r, 0]));
      for (const entry of seen.values()) if (entry) used[entry.role] += Math.max(0, entry.last - entry.from);
      used.loadgen += selfMs() - selfFrom;
      return used;
    },
  };
}

/** Per request (or transaction): each role's milliseconds divided by the count, to 0.01 ms. */
export function perRequest(used, count) {
  if (!used || !count) return null;
  return Object.fromEntries(Object.entries(used).map(([role, ms]) => [role, Math.round((ms / count) * 100) / 100]));
}

/** A command's output once it ends, run without blocking (not spawnSync: a watch samples on a timer meanwhile). */
export function outputOf(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

/** A process's resident memory (VmRSS) in MB, to 0.1 MB; null when it cannot be read (gone, or not Linux). */
export function rssMb(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m);
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}
