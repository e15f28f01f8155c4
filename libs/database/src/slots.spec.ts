import { Slots } from './slots';

/** A task that records when it starts, and ends when told to (or fails). */
function gate(log: string[], name: string) {
  let end!: (fail?: boolean) => void;
  const done = new Promise<void>((resolve, reject) => (end = (fail) => (fail ? reject(new Error(name)) : resolve())));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
    end,
  };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Slots.run', () => {
  it('runs at most as many tasks as it has slots, the others in the order they came, and a failed task gives its turn on', async () => {
    const log: string[] = [];
    const slots = Slots.counting(2);
    const turn = <T>(task: () => Promise<T>) => slots.run(task);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(log, n));
    const results = [a, b, c, d].map((g) => turn(g.task).catch((e: Error) => `failed ${e.message}`));
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    b.end(true);
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    a.end();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d']);
    c.end();
    d.end();
    expect(await Promise.all(results)).toEqual(['a', 'failed b', 'c', 'd']);
    // Every turn was given back: two new tasks start at once.
    const [e, f] = ['e', 'f'].map((n) => gate(log, n));
    const more = [turn(e.task), turn(f.task)];
    await settle();
    expect(log.slice(-2)).toEqual(['start e', 'start f']);
    e.end();
    f.end();
    expect(await Promise.all(more)).toEqual(['e', 'f']);
  });
});

describe('Slots', () => {
  it('hands out at most its slots, in arrival order, and reuses their values', async () => {
    const slots = new Slots<string>(['a']);
    const first = await slots.take();
    const order: string[] = [];
    const second = slots.take().then((s) => (order.push('second'), s));
    const third = slots.take().then((s) => (order.push('third'), s));
    await new Promise((r) => setImmediate(r));
    expect(slots.queued).toBe(2);
    expect(order).toEqual([]);
    first.value = 'kept';
    first.release();
    first.release(); // idempotent: frees one slot, not two
    const s2 = await second;
    expect(s2.value).toBe('kept');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['second']);
    s2.release();
    expect((await third).value).toBe('kept');
    expect(order).toEqual(['second', 'third']);
  });
});
