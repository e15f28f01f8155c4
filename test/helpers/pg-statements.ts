/** pg's client class, as far as the recorder touches it (pg ships no types here). */
interface PgClientClass {
  prototype: { query: (this: { processID: number }, ...args: unknown[]) => unknown };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same module instance TypeORM's pools use
const { Client } = require('pg') as { Client: PgClientClass };

/** One statement a pg client sent. */
export interface SentStatement {
  /** The server process of its connection. */
  pid: number;
  sql: string;
  /** Sent as a named prepared statement (parsed and planned once per connection). */
  named: boolean;
  /** Whether every statement sent before it on its connection had its answer when it was sent (if not, it shares their round trip). */
  afterAnswers: boolean;
  answered: boolean;
}

/**
 * Records every statement any pg client of this test file sends while `recording` is true, by
 * wrapping Client#query for the file (installed in beforeAll, removed in afterAll).
 */
export function recordStatements(recording = false): { sent: SentStatement[]; recording: boolean } {
  const log = { sent: [] as SentStatement[], recording };
  const originalQuery = Client.prototype.query;
  beforeAll(() => {
    Client.prototype.query = function (this: { processID: number }, ...args: unknown[]) {
      const first = args[0] as string | { text?: string; name?: string };
      const result = originalQuery.apply(this, args);
      if (log.recording) {
        const entry: SentStatement = {
          pid: this.processID,
          sql: typeof first === 'string' ? first : (first?.text ?? ''),
          named: typeof first === 'object' && !!first?.name,
          afterAnswers: log.sent.filter((s) => s.pid === this.processID).every((s) => s.answered),
          answered: false,
        };
        log.sent.push(entry);
        const answered = () => {
          entry.answered = true;
        };
        if (result instanceof Promise) result.then(answered, answered);
      }
      return result;
    };
  });
  afterAll(() => {
    Client.prototype.query = originalQuery;
  });
  return log;
}
