import { canonicalJson, eventHash, GENESIS_HASH, verifyChain } from './hash-chain';

const base = {
  caseId: '6f1c3c5e-8a57-4c3e-9b1e-3a1a0f2d9c11',
  type: 'case.reported',
  at: '2026-11-23T08:00:00.000Z',
  actor: { id: 'u1', role: 'community_director' },
  fromStatus: null,
  toStatus: 'submitted',
};

function chain(n: number) {
  const events = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const e = { ...base, seq, data: { step: seq, nested: { b: 2, a: 1 } }, prevHash: prev };
    const hash = eventHash(e);
    events.push({ ...e, hash });
    prev = hash;
  }
  return events;
}

describe('hash chain', () => {
  it('serialises canonically: key order does not matter, values do', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });

  it('hashes every field of the event', () => {
    const e = { ...base, seq: 1, data: {}, prevHash: GENESIS_HASH };
    const h = eventHash(e);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash({ ...e, at: new Date(e.at) })).toBe(h);
    for (const changed of [
      { seq: 2 },
      { type: 'x' },
      { at: '2026-11-23T08:00:00.001Z' },
      { actor: { id: 'u2', role: 'community_director' } },
      { fromStatus: 'draft' },
      { toStatus: 'returned' },
      { data: { a: 1 } },
      { prevHash: '1'.repeat(64) },
      { caseId: 'other' },
    ]) {
      expect(eventHash({ ...e, ...changed })).not.toBe(h);
    }
  });

  it('verifies an intact chain and names the first broken link', () => {
    const events = chain(5);
    expect(verifyChain(events)).toEqual({ valid: true, events: 5 });
    const edited = events.map((e) => (e.seq === 3 ? { ...e, data: { step: 99, nested: { a: 1, b: 2 } } } : e));
    expect(verifyChain(edited)).toEqual({ valid: false, events: 5, brokenAtSeq: 3 });
    // Rewriting the hash too breaks the next link.
    const rehashed = edited.map((e) => (e.seq === 3 ? { ...e, hash: eventHash(e) } : e));
    expect(verifyChain(rehashed)).toEqual({ valid: false, events: 5, brokenAtSeq: 4 });
    // A deleted event is a gap in seq.
    expect(verifyChain(events.filter((e) => e.seq !== 2))).toEqual({ valid: false, events: 4, brokenAtSeq: 3 });
    expect(verifyChain([])).toEqual({ valid: true, events: 0 });
  });
});
