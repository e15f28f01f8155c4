// The fault campaign's load generator (bench/faults/campaign.mjs): `concurrency` loops of a mixed load on
// the demo district — about 30 % filings (POST /api/cases by the 30 community directors), 25 % workflow
// writes by the street supervisors (accept a submitted case of their street, then record its assessment),
// 45 % reads (a supervisor's queue, the district's overdue queue, a case detail). Every request is kept
// (phase, start, end, status or network error, Retry-After), and every acknowledged write with what was
// acknowledged: the checks (./check.mjs) then look for each one in the database.
const PASSWORD = process.env.DEMO_PASSWORD ?? 'shouhu-demo';
const TIMEOUT_MS = 15_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

function percentile(values, p) {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const isoAgo = (ms) => new Date(Date.now() - ms).toISOString();
const WRITES = new Set(['file', 'accept', 'assess']);

export class Load {
  constructor(base) {
    this.base = base;
    this.records = [];
    this.byPhase = {};
    this.pendingAccept = [];
    this.pendingAssess = [];
    this.known = [];
    this.seq = 0;
    this.tag = Math.random().toString(36).slice(2, 8);
    this.running = false;
    this.loops = [];
    this.outstanding = new Map();
  }

  async login(username) {
    const res = await fetch(`${this.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    const token = (await res.json()).accessToken;
    const me = await (await fetch(`${this.base}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    return { username, token, id: me.id, jurisdictionId: me.jurisdiction.id };
  }

  /** Signs in every director and supervisor of the demo district (tokens live 8 h: through every restart). */
  async setup() {
    const streets = ['xa', 'xx', 'hc', 'fy', 'fh', 'sj', 'xq', 'sg', 'yl', 'sy'];
    // A few at a time: 41 argon2 verifications at once fill libuv's pool, which the pool's SCRAM handshakes
    // share, and the api's first connections then time out into 503s (see RELIABILITY.md, "Found").
    const all = async (names) => {
      const out = [];
      for (let i = 0; i < names.length; i += 4) out.push(...(await Promise.all(names.slice(i, i + 4).map((n) => this.login(n)))));
      return out;
    };
    this.supervisors = await all(streets.map((s) => `sup-${s}`));
    this.directors = await all(streets.flatMap((s) => [1, 2, 3].map((i) => `dir-${s}-0${i}`)));
    this.district = await this.login('district1');
    this.supByStreet = new Map(this.supervisors.map((s) => [s.jurisdictionId, s]));
  }

  /** One request, recorded. Resolves with { status, body } (status null: no answer). */
  async request(what, user, method, path, body) {
    const id = (this.seq += 1);
    const rec = { id, phase: this.phase, what, write: WRITES.has(what), t0: Date.now(), t1: null, status: null, error: null, retryAfter: null };
    this.records.push(rec);
    this.outstanding.set(id, rec);
    try {
      const res = await fetch(this.base + path, {
        method,
        headers: { authorization: `Bearer ${user.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      rec.status = res.status;
      rec.retryAfter = res.headers.get('retry-after');
      rec.t1 = Date.now();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (res.status >= 400) rec.code = json?.code;
      return { status: res.status, body: json };
    } catch (error) {
      rec.t1 = Date.now();
      rec.error = error.name === 'TimeoutError' ? 'timeout (no answer in 15 s)' : (error.cause?.code ?? error.cause?.message ?? error.message);
      return { status: null, body: null };
    } finally {
      this.outstanding.delete(id);
    }
  }

  async file() {
    const d = pick(this.directors);
    this.n = (this.n ?? 0) + 1;
    const name = `压测${this.tag}${this.n}`;
    const body = {
      communityId: d.jurisdictionId,
      child: { name, sex: this.n % 2 ? 'female' : 'male', birthDate: `${new Date().getUTCFullYear() - 9}-05-0${1 + (this.n % 9)}`, address: '测试路1号' },
      categories: ['N04'],
      riskLevel: 'R3',
      report: {
        reporterType: 'internal_discovery',
        reporterName: '走访人',
        discoveredAt: isoAgo(3_600_000),
        location: '测试小区',
        narrative: '入户走访发现儿童独自在家。',
      },
      submit: true,
    };
    const r = await this.request('file', d, 'POST', '/api/cases', body);
    if (r.status === 201) {
      const ack = { phase: this.phase, caseId: r.body.id, caseNo: r.body.caseNo, name, status: r.body.status };
      this.byPhase[this.phase].filings.push(ack);
      this.known.push({ id: r.body.id, streetId: r.body.streetId });
      if (r.body.status === 'submitted' && r.body.streetId) this.pendingAccept.push({ id: r.body.id, streetId: r.body.streetId });
    }
  }

  async transition() {
    const acc = this.pendingAccept.shift();
    if (acc) {
      const sup = this.supByStreet.get(acc.streetId);
      const detail = await this.request('detail', sup, 'GET', `/api/cases/${acc.id}`);
      if (detail.status !== 200 || !detail.body.allowedActions?.includes('accept')) return;
      const r = await this.request('accept', sup, 'POST', `/api/cases/${acc.id}/transitions`, {
        action: 'accept',
        version: detail.body.version,
        riskLevel: 'R3',
        assigneeId: sup.id,
      });
      if (r.status === 200) {
        this.byPhase[this.phase].accepts.push({ phase: this.phase, caseId: acc.id, version: r.body.version, status: r.body.status });
        this.pendingAssess.push(acc);
      }
      return;
    }
    const as = this.pendingAssess.shift();
    if (!as) return this.file();
    const sup = this.supByStreet.get(as.streetId);
    const r = await this.request('assess', sup, 'POST', `/api/cases/${as.id}/assessment`, {
      safety: '儿童目前安全。',
      guardianship: '监护人监护能力不足。',
      wellbeing: '情绪稳定。',
      riskLevel: 'R3',
      summary: '持续跟进。',
    });
    if (r.status === 200 || r.status === 201) this.byPhase[this.phase].assessments.push({ phase: this.phase, caseId: as.id });
  }

  async read() {
    const r = Math.random();
    if (r < 0.4) return this.request('queue', pick(this.supervisors), 'GET', '/api/cases?limit=50');
    if (r < 0.6) return this.request('queue-district', this.district, 'GET', '/api/cases?sort=dueAt&overdue=true&limit=50');
    const c = this.known.length ? this.known[Math.floor(Math.random() * this.known.length)] : null;
    if (!c) return this.request('queue', pick(this.supervisors), 'GET', '/api/cases?limit=50');
    return this.request('detail', this.supByStreet.get(c.streetId), 'GET', `/api/cases/${c.id}`);
  }

  async loop() {
    while (this.running) {
      const r = Math.random();
      if (r < 0.3) await this.file();
      else if (r < 0.55) await this.transition();
      else await this.read();
      // A request without an answer (a server down): a short pause, not a spin.
      const last = this.records[this.records.length - 1];
      if (last && last.status === null) await sleep(50);
    }
  }

  start(phase, concurrency) {
    this.phase = phase;
    this.byPhase[phase] ??= { filings: [], accepts: [], assessments: [], startedAt: Date.now(), stoppedAt: null };
    this.running = true;
    this.loops = Array.from({ length: concurrency }, () => this.loop());
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
    this.byPhase[this.phase].stoppedAt = Date.now();
  }

  /** What was acknowledged in these phases. */
  acks(phases) {
    const out = { filings: [], accepts: [], assessments: [] };
    for (const p of phases) {
      const b = this.byPhase[p];
      if (!b) continue;
      out.filings.push(...b.filings);
      out.accepts.push(...b.accepts);
      out.assessments.push(...b.assessments);
    }
    return out;
  }

  recordsOf(phase) {
    return this.records.filter((r) => r.phase === phase);
  }

  phaseStats(phase) {
    // Answered requests only (a loop facing a refused connection retries every 50 ms: not load).
    const recs = this.recordsOf(phase).filter((r) => r.t1 !== null && r.status !== null);
    const statuses = {};
    for (const r of this.recordsOf(phase).filter((x) => x.t1 !== null)) {
      const k = r.status ?? r.error;
      statuses[k] = (statuses[k] ?? 0) + 1;
    }
    const b = this.byPhase[phase];
    const secs = Math.max(0.001, ((b?.stoppedAt ?? Date.now()) - (b?.startedAt ?? Date.now())) / 1000);
    const kinds = {};
    for (const r of recs) {
      const k = r.write ? 'write' : 'read';
      kinds[k] = (kinds[k] ?? 0) + 1;
    }
    const lat = recs.map((r) => r.t1 - r.t0);
    const writes = recs.filter((r) => r.write);
    const total = recs.length || 1;
    return {
      rps: recs.length / secs,
      mix: `${Math.round((100 * (kinds.write ?? 0)) / total)} % writes, ${Math.round((100 * (kinds.read ?? 0)) / total)} % reads`,
      statuses,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      writes: writes.filter((r) => r.status >= 200 && r.status < 300).length,
      writeP99: percentile(
        writes.map((r) => r.t1 - r.t0),
        99,
      ),
    };
  }

  describe(r) {
    return `${r.what} → ${r.status ?? r.error}${r.code ? ` ${r.code}` : ''} after ${r.t1 - r.t0} ms`;
  }

  /** Requests of the phase that did not get a 2xx (network errors included). */
  errorsIn(phase, { writesOnly = false } = {}) {
    return this.recordsOf(phase)
      .filter((r) => r.t1 !== null && (!writesOnly || r.write) && !(r.status >= 200 && r.status < 300))
      .map((r) => this.describe(r));
  }

  slowIn(phase, ms, { writesOnly = false } = {}) {
    return this.recordsOf(phase).filter((r) => r.t1 !== null && (!writesOnly || r.write) && r.t1 - r.t0 > ms);
  }

  answersIn(phase) {
    return this.recordsOf(phase).filter((r) => r.status !== null);
  }

  /** Seconds from `at` to the first write acknowledged that was sent after it (null: none within timeoutMs). */
  async firstWriteAfter(at, timeoutMs) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const r = this.records.find((x) => x.write && x.t0 > at && x.status >= 200 && x.status < 300);
      if (r) return (r.t1 - at) / 1000;
      await sleep(50);
    }
    return null;
  }

  /**
   * While PostgreSQL is down: every 100 ms a queue read, a filing and GET /api/health, each recorded with
   * its status, its Retry-After and how long the answer took.
   */
  async probe(durationMs) {
    const out = [];
    const until = Date.now() + durationMs;
    const one = async (what, user, method, path, body) => {
      const t0 = Date.now();
      try {
        const res = await fetch(this.base + path, {
          method,
          headers: { ...(user ? { authorization: `Bearer ${user.token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.text();
        out.push({ what, status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - t0 });
      } catch (error) {
        out.push({ what, status: error.name === 'TimeoutError' ? 'timeout' : (error.cause?.code ?? error.message), retryAfter: null, ms: Date.now() - t0 });
      }
    };
    // (The first probes go out 300 ms after the stop: pg_ctl -m fast returns once the server is gone.)
    while (Date.now() < until) {
      const d = pick(this.directors);
      await Promise.all([
        one('GET /api/cases', pick(this.supervisors), 'GET', '/api/cases?limit=50'),
        one('POST /api/cases', d, 'POST', '/api/cases', {
          communityId: d.jurisdictionId,
          child: { name: `探测${this.tag}${(this.seq += 1)}`, sex: 'female', birthDate: '2016-01-01' },
          categories: ['N04'],
          riskLevel: 'R3',
          report: { reporterType: 'internal_discovery', discoveredAt: isoAgo(3_600_000), narrative: '探测。' },
          submit: true,
        }),
        one('GET /api/health', null, 'GET', '/api/health'),
      ]);
      await sleep(100);
    }
    return out;
  }

  /** The ids of the requests now waiting for their answer. */
  inFlight() {
    return [...this.outstanding.keys()];
  }

  /** Which of these requests ended without an answer (a reset or refused connection, a timeout). */
  brokenAmong(ids) {
    const set = new Set(ids);
    return this.records.filter((r) => set.has(r.id) && r.t1 !== null && r.status === null).map((r) => this.describe(r));
  }

  /** The p99 latency of each whole minute of the phase, in ms. */
  minuteP99s(phase) {
    const b = this.byPhase[phase];
    const buckets = [];
    for (const r of this.recordsOf(phase)) {
      if (r.t1 === null) continue;
      const m = Math.floor((r.t0 - b.startedAt) / 60_000);
      (buckets[m] ??= []).push(r.t1 - r.t0);
    }
    const full = Math.floor(((b.stoppedAt ?? Date.now()) - b.startedAt) / 60_000);
    return buckets.slice(0, Math.max(1, full)).map((xs) => percentile(xs ?? [], 99));
  }
}
