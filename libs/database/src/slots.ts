/**
 * A pool of slots, each with a value of its own (an image's input buffer, or nothing where only
 * the count matters); take() resolves in arrival order. Bounds how much of some work runs at
 * once: re-encoded images (ImageScrubber), argon2 hashes (hashPassword, verifyPassword).
 */
export class Slots<V> {
  private readonly free: { value: V }[];
  private readonly waiting: ((slot: { value: V }) => void)[] = [];

  constructor(values: V[]) {
    this.free = values.map((value) => ({ value }));
  }

  /** `count` slots without a value. */
  static counting(count: number): Slots<undefined> {
    return new Slots<undefined>(Array.from({ length: count }, () => undefined));
  }

  /** Waits for a free slot: its value (to read and set) and its release (idempotent). */
  async take(): Promise<{ value: V; release: () => void }> {
    const slot = this.free.pop() ?? (await new Promise<{ value: V }>((resolve) => this.waiting.push(resolve)));
    let released = false;
    return {
      get value() {
        return slot.value;
      },
      set value(v: V) {
        slot.value = v;
      },
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        if (next) next(slot);
        else this.free.push(slot);
      },
    };
  }

  /** Runs `task` in a slot, which is released when it settles (fulfilled or not). */
  async run<T>(task: (slot: { value: V }) => Promise<T>): Promise<T> {
    const slot = await this.take();
    try {
      return await task(slot);
    } finally {
      slot.release();
    }
  }

  /** How many callers wait for a slot (for tests). */
  get queued(): number {
    return this.waiting.length;
  }
}
