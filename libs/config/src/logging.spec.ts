import { createServer, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import pinoHttp from 'pino-http';
import { logFormatFor, prettyLogStream, prettyMessage, REDACTED_LOG_PATHS, withLogFormat } from './logging';

/** Everything a pretty stream writes, as text. */
function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('the log format', () => {
  it('is pretty only at a terminal outside production and tests; JSON when piped, in production and in tests', () => {
    expect(logFormatFor({ isTTY: true }, 'development')).toBe('pretty');
    expect(logFormatFor({ isTTY: true }, 'production')).toBe('json');
    expect(logFormatFor({ isTTY: true }, 'test')).toBe('json');
    expect(logFormatFor({ isTTY: false }, 'development')).toBe('json');
    expect(logFormatFor({}, 'development')).toBe('json');
  });

  it('gives nestjs-pino the options with a pretty stream at a terminal in development, else the options alone (JSON on stdout)', () => {
    const options = { level: 'info', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
    const pretty = withLogFormat(options, 'development', { isTTY: true });
    expect(Array.isArray(pretty)).toBe(true);
    const [sameOptions, stream] = pretty as [typeof options, { write: unknown }];
    expect(sameOptions).toBe(options);
    expect(typeof stream.write).toBe('function');
    for (const [nodeEnv, isTTY] of [
      ['development', false],
      ['production', true],
      ['test', true],
      ['production', false],
    ] as const) {
      expect(withLogFormat(options, nodeEnv, { isTTY })).toBe(options);
    }
  });
});

describe('pretty lines', () => {
  it('a request is one line: method, path without its query, status, time', () => {
    expect(
      prettyMessage({ req: { method: 'GET', url: '/api/cases?q=BA-2026' }, res: { statusCode: 200 }, responseTime: 12.4, msg: 'request completed' }, 'msg'),
    ).toBe('GET /api/cases 200 12 ms');
    expect(prettyMessage({ context: 'NestApplication', msg: 'started' }, 'msg')).toBe('[NestApplication] started');
    expect(prettyMessage({ msg: 'unhandled error', requestId: 'r-12345678' }, 'msg')).toBe('unhandled error (request r-12345678)');
  });

  it('what pino-http logs for a request comes out as that one line, with nothing else of the request', async () => {
    const out = collector();
    const middleware = pinoHttp(
      { quietReqLogger: true, customAttributeKeys: { reqId: 'requestId' }, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
      prettyLogStream(out.stream),
    );
    const server: Server = createServer((req, res) => {
      middleware(req, res);
      res.statusCode = 201;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await fetch(`http://127.0.0.1:${port}/api/cases?q=BA-1`, { method: 'POST', headers: { authorization: 'Bearer a-secret-token' }, body: '{}' });
    await new Promise<void>((r) => server.close(() => r()));
    await settle();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: POST \/api\/cases 201 \d+ ms$/);
    expect(out.text()).not.toContain('a-secret-token');
    expect(out.text()).not.toContain('{');
  });

  it('carry no identity: the redact paths censor a line before it is pretty-printed', async () => {
    const out = collector();
    const logger = pino({ redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, prettyLogStream(out.stream));
    logger.error(
      {
        child: { name: '张小明', idNumber: '440306201501010011' },
        job: { data: { narrative: '邻居反映…' } },
        err: { message: 'boom', detail: 'Key (id_number)=(440306201501010011)' },
      },
      'job failed',
    );
    await settle();
    const text = out.text();
    expect(text).toContain('job failed');
    expect(text).toContain('[redacted]');
    for (const identity of ['张小明', '440306201501010011', '邻居反映']) expect(text).not.toContain(identity);
  });
});
