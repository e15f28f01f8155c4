/**
 * Requests generated from the OpenAPI document (test/e2e/fuzz.e2e-spec.ts): for each
 * operation, fast-check arbitraries derived from its parameters and request body
 * schema. Most values are valid-ish (so a request gets past validation into the
 * services and the SQL: real ids, dates near now, identity canaries, strings of a
 * valid length that are hostile anyway); then a few mutations make them hostile:
 * wrong types, null, huge or empty strings, NUL bytes, lone surrogates, RTL marks,
 * SQL and JSON text, numbers at ±2^53, deep nesting, extra and prototype keys,
 * missing required fields, bodies that are arrays or strings, wrong content types,
 * duplicate query parameters, bad tokens.
 */
import fc from 'fast-check';

// ── The document ────────────────────────────────────────────────────────────

export interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  security?: Record<string, unknown>[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export interface FuzzOperation {
  method: string;
  /** The document's path, `{id}` style. */
  path: string;
  op: Operation;
}

export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  const ops: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) ops.push({ method: method.toUpperCase(), path, op });
  }
  return ops;
}

/** The collection a path parameter names: the segment before it (`/api/cases/{id}/measures/{measureId}` → cases, measures). */
export function poolOfParameter(path: string, name: string): string {
  const segments = path.split('/');
  const at = segments.indexOf(`{${name}}`);
  return at > 0 ? segments[at - 1] : name;
}

// ── What the spec supplies ──────────────────────────────────────────────────

export interface Canaries {
  names: string[];
  idNumbers: string[];
  phones: string[];
  addresses: string[];
  schools: string[];
  narratives: string[];
}

export interface FuzzContext {
  document: OpenApiDocument;
  /** Real ids for a path collection (`cases`, `measures`…) or a body/query field (`communityId`, `ownerId`…): in and out of every caller's scope. */
  ids(key: string): string[];
  canaries: Canaries;
  /** Usernames and the password that logs them in (for /api/auth/login). */
  usernames: string[];
  password: string;
  /** Callers: a role key each. */
  callers: string[];
  /** The callers whose role the route admits (most requests come from them; the others get a 403). */
  callersFor(method: string, path: string): string[];
}

// ── Hostile values ──────────────────────────────────────────────────────────

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i += 1) v = i % 2 === 0 ? { a: v } : [v];
  return v;
};

/** Strings that are hostile in themselves; most are also of a valid length. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udbff\udfff',
  '\u202eevil\u202c',
  '\u200f\u200e\u2066\u2069',
  '\ufeff',
  '𠀀𠀁😀👨‍👩‍👧',
  'e\u0301\u0301\u0301',
  "' OR '1'='1",
  '\'; DROP TABLE "case"; --',
  '$1',
  '%s%n%x',
  '\\',
  '"',
  '{"$gt":""}',
  '[1,2,3]',
  '{}',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '9007199254740993',
  '-9007199254740993',
  '0x1F',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00Z',
  '2026-06-01T25:61:00Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'not-a-uuid',
  '../../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '=cmd|/C calc!A0',
  '__proto__',
  'constructor',
  'me',
  'R9',
  'V99',
  '\r\nX-Injected: 1',
];

const hostileString = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(10_001, 70_000, 300_000).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(300, 5_001, 20_000).map((n) => '𠀀'.repeat(n)) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(
    2 ** 53,
    -(2 ** 53),
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    2 ** 31,
    -(2 ** 31) - 1,
    1e308,
    -1e308,
    5e-324,
    -0,
    0,
    -1,
    0.5,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A value of any type that a field should refuse (or, by chance, accept). */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>([], {}, [null], [[]], { '': '' }, ['V01', 'V01'], [1, 'a', null]) },
  { weight: 1, arbitrary: fc.constantFrom(5, 33, 200, 1500).map((d) => nested(d)) },
  { weight: 1, arbitrary: fc.constantFrom(1001, 20_000).map((n) => Array.from({ length: n }, () => 'V01')) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}}}') as unknown) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

// ── Valid-ish values ────────────────────────────────────────────────────────

const DAY = 24 * 3600_000;

const isoAt = (ms: number) => new Date(ms).toISOString();
const dateAt = (ms: number) => isoAt(ms).slice(0, 10);

/** Strings of a valid length that still test the storage: astral characters, marks, SQL and JSON text. */
const texty = (max: number) =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
      { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length > 0 && !s.includes('\u0000'))) },
      { weight: 2, arbitrary: fc.constantFrom('入户走访发现儿童独自在家。', '学校发现儿童身上多处淤青。', '需要帮扶', '已电话告知学校。', '公安已受理。') },
      { weight: 1, arbitrary: fc.constant('𠀀😀'.repeat(Math.max(1, Math.floor(max / 2)))) },
    )
    .map((s) => Array.from(s).slice(0, max).join(''))
    .filter((s) => s.length > 0);

/** Field names whose values identify a child or a person: always a canary, so a leak is recognisable. */
function identityArb(name: string, ctx: FuzzContext): fc.Arbitrary<string> | undefined {
  const c = ctx.canaries;
  if (name === 'idNumber') return fc.constantFrom(...c.idNumbers);
  if (/phone$/i.test(name)) return fc.constantFrom(...c.phones);
  if (name === 'address' || name === 'location') return fc.constantFrom(...c.addresses);
  if (name === 'school' || name === 'reporterOrg') return fc.constantFrom(...c.schools);
  if (name === 'name' || name === 'reporterName') return fc.constantFrom(...c.names);
  if (name === 'narrative') return fc.constantFrom(...c.narratives);
  return undefined;
}

function stringArb(name: string, schema: Schema, ctx: FuzzContext): fc.Arbitrary<unknown> {
  const now = Date.now();
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const pool = ctx.ids(name);
  if (schema.format === 'uuid' || /Id$/.test(name)) {
    return pool.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.uuid() }) : fc.uuid();
  }
  if (name === 'birthDate') {
    // Half of them the birth date of a canary ID number (an ID number must agree with the birth date).
    const ofIdNumbers = ctx.canaries.idNumbers.map((id) => `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
    return fc.oneof(
      fc.constantFrom(...ofIdNumbers),
      fc.integer({ min: 0, max: 17 * 365 }).map((d) => dateAt(now - d * DAY - DAY)),
    );
  }
  if (schema.format === 'date' || /date$/i.test(name) || name === 'holidays' || name === 'workdays') {
    return fc.integer({ min: 0, max: 364 }).map((d) => dateAt(Date.UTC(2095, 0, 1) + d * DAY));
  }
  if (name === 'dueAt') return fc.integer({ min: 3600_000, max: 60 * DAY }).map((d) => isoAt(now + d));
  if (/At$/.test(name) || name === 'at' || name === 'from' || name === 'to' || schema.format === 'date-time') {
    // Mostly in the past (what happened), sometimes ahead (which the api must refuse cleanly).
    return fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 60_000, max: 60 * DAY }).map((d) => isoAt(now - d)) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 * DAY }).map((d) => isoAt(now + d)) },
    );
  }
  if (name === 'username') return fc.constantFrom(...ctx.usernames, 'fz-nobody', 'ADMIN', 'a');
  if (name === 'password') return fc.constantFrom(ctx.password, 'wrong-password', 'shouhu-demo');
  if (name === 'cursor') return fc.oneof(fc.base64String({ maxLength: 40 }), fc.constant('eyJ0IjoiMjAyNi0wMS0wMSIsImlkIjoiMSJ9'));
  if (name === 'q') return fc.constantFrom('T', 'BA-2026', 'BA-2026-0001', 'x', 'ZZZZ');
  if (name === 'category') return fc.constantFrom('V01', 'N02', 'D05', 'V10');
  if (name === 'assignee') return fc.oneof(fc.constant('me'), ...(pool.length ? [fc.constantFrom(...pool)] : []), fc.uuid());
  if (name === 'relation') return fc.constantFrom('father', 'mother', 'grandparent', 'sibling', 'other_relative', 'foster', 'institution', 'other');
  const identity = identityArb(name, ctx);
  const max = schema.maxLength ?? 64;
  if (identity) return fc.oneof({ weight: 4, arbitrary: identity }, { weight: 1, arbitrary: texty(max) });
  return texty(max);
}

/** A valid-ish value of a schema; `name` is the property or parameter it is for. */
export function validishArb(schema: Schema | undefined, ctx: FuzzContext, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant({});
  if (schema.$ref) return validishArb(resolve(ctx.document, schema.$ref), ctx, name, depth);
  if (schema.allOf?.length) return validishArb(schema.allOf[0], ctx, name, depth);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => validishArb(s, ctx, name, depth)));
  const base = typedArb(schema, ctx, name, depth);
  return schema.nullable ? fc.oneof({ weight: 5, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) }) : base;
}

function typedArb(schema: Schema, ctx: FuzzContext, name: string, depth: number): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'string':
      return stringArb(name, schema, ctx);
    case 'integer':
    case 'number': {
      if (name === 'version') return fc.integer({ min: 1, max: 12 });
      if (name === 'year') return fc.integer({ min: 2090, max: 2100 });
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? Math.max(min + 100, 100);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, min + 1000)) });
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const maxLength = Math.min(schema.maxItems ?? 4, 4);
      if (name === 'categories') return fc.uniqueArray(fc.constantFrom('V01', 'V02', 'N02', 'N03', 'N04', 'D05'), { minLength: 1, maxLength: 3 });
      return fc.array(validishArb(schema.items, ctx, name, depth + 1), { minLength: Math.min(schema.minItems ?? 0, maxLength), maxLength });
    }
    case 'object':
    case undefined:
    default: {
      const properties = schema.properties ?? {};
      if (depth > 4 || Object.keys(properties).length === 0) return fc.constant({});
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, s] of Object.entries(properties)) record[key] = validishArb(s, ctx, key, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((k) => k in properties) });
    }
  }
}

export function resolve(document: OpenApiDocument, ref: string): Schema {
  const name = ref.replace('#/components/schemas/', '');
  const schema = document.components.schemas[name];
  if (!schema) throw new Error(`no schema ${ref}`);
  return schema;
}

// ── Mutations ───────────────────────────────────────────────────────────────

export type Mutation =
  { kind: 'replace'; at: number; value: unknown } | { kind: 'delete'; at: number } | { kind: 'extra'; at: number; key: string; value: unknown };

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'unknownField',
  'toString',
  'hasOwnProperty',
  'id',
  'districtId',
  'status',
  'version',
  'createdAt',
  '',
];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      at: fc.nat(),
      key: fc.constantFrom(...EXTRA_KEYS),
      value: fc.oneof(hostileValue, fc.constant('x')),
    }),
  },
);

type Path = (string | number)[];

/** Every path to a value inside `root` (the root itself is []). */
function pathsOf(root: unknown): Path[] {
  const out: Path[] = [[]];
  const walk = (node: unknown, at: Path) => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      const p = [...at, Array.isArray(node) ? Number(k) : k];
      out.push(p);
      walk(v, p);
    }
  };
  walk(root, []);
  return out;
}

/** The value with the mutations applied (a copy; `__proto__` keys become own properties). */
export function applyMutations(value: unknown, mutations: Mutation[]): unknown {
  let root: unknown = copy(value);
  // Each inserted value is a copy: fast-check hands out the same instance of a constant again, and a shared one would grow into a cycle.
  for (const generated of mutations) {
    const m = 'value' in generated ? { ...generated, value: copy(generated.value) } : generated;
    const paths = pathsOf(root);
    const path = paths[m.at % paths.length];
    if (m.kind === 'replace' && path.length === 0) {
      root = m.value;
      continue;
    }
    if (m.kind === 'extra') {
      const objects = paths.filter((p) => isObject(get(root, p)));
      if (objects.length === 0) continue;
      const target = get(root, objects[m.at % objects.length]) as Record<string, unknown>;
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
      continue;
    }
    if (path.length === 0) continue;
    const parent = get(root, path.slice(0, -1)) as Record<string | number, unknown>;
    const key = path[path.length - 1];
    if (m.kind === 'replace') Object.defineProperty(parent, key, { value: m.value, enumerable: true, configurable: true, writable: true });
    else if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  }
  return root;
}

function copy(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function get(root: unknown, path: Path): unknown {
  let node = root;
  for (const k of path) node = (node as Record<string | number, unknown>)[k];
  return node;
}

// ── Requests ────────────────────────────────────────────────────────────────

export type FuzzBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string | null }
  | { kind: 'raw'; text: string; contentType: string | null }
  | { kind: 'multipart'; fields: [string, string][]; file: { name: string; bytes: number[]; type: string } | null };

export type FuzzAuth = { kind: 'caller' } | { kind: 'none' } | { kind: 'header'; value: string } | { kind: 'tampered' };

export interface FuzzRequest {
  method: string;
  /** The document's path (`{id}` style), for reports. */
  route: string;
  caller: string;
  auth: FuzzAuth;
  /** Path parameter name → raw value (encoded when the URL is built). */
  pathParams: Record<string, string>;
  query: [string, string][];
  body: FuzzBody;
}

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  'multipart/form-data; boundary=fz',
  'application/octet-stream',
  '*/*',
  'application/json, text/plain',
];

const RAW_BODIES = [
  '{',
  '{"a":',
  '[',
  'null',
  '[]',
  '"text"',
  '0',
  'true',
  '\ufeff{}',
  '{"a":1,"a":2}',
  '{"__proto__":{"x":1}}',
  'a=1&b=2',
  '\u0000',
  '[[[[[[[[[['.repeat(2000),
  '{"a":"\\ud800"}',
  '{"x":1e99999}',
];

/** A query value from a parameter schema: valid-ish (arrays comma-joined) or hostile, as text. */
function queryValueArb(p: Parameter, ctx: FuzzContext): fc.Arbitrary<string> {
  const valid = validishArb(p.schema, ctx, p.name).map((v) => (Array.isArray(v) ? v.join(',') : String(v)));
  // Kept under Node's 16 KB limit of the request head (a longer one is refused before the api: see the spec's own test).
  const hostile = hostileValue.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).slice(0, 500));
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostile });
}

function pathValueArb(path: string, p: Parameter, ctx: FuzzContext): fc.Arbitrary<string> {
  const pool = ctx.ids(poolOfParameter(path, p.name));
  if (p.schema?.type === 'integer') {
    return fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 2090, max: 2100 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('1999', '2101', '-1', '0', '2026.5', '1e3', '9007199254740993', 'abc', '0x7e6', ' 2095') },
    );
  }
  return fc.oneof(
    { weight: pool.length ? 8 : 0, arbitrary: pool.length ? fc.constantFrom(...pool) : fc.constant('') },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: hostileString.filter((s) => s.length > 0 && s.length < 2000 && !s.startsWith(RAW_PATH_PREFIX)) },
    { weight: 1, arbitrary: fc.constantFrom('1', '0', 'null', 'undefined', 'ME', '00000000-0000-0000-0000-00000000000g', 'a'.repeat(36), ' ') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%', '%zz', '%ff%fe', '%c0%af', '%00', '..', '.', '%2F', 'a/b', '%E0%A4%A', ';', 'x?y=1', '#').map((v) => RAW_PATH_PREFIX + v),
    },
  );
}

function bodyArb(op: FuzzOperation, ctx: FuzzContext): fc.Arbitrary<FuzzBody> {
  const content = op.op.requestBody?.content ?? {};
  const json = content['application/json'];
  const multipart = content['multipart/form-data'];
  const choices: { weight: number; arbitrary: fc.Arbitrary<FuzzBody> }[] = [];
  if (json) {
    const valid = validishArb(json.schema, ctx);
    choices.push(
      { weight: 8, arbitrary: valid.map((value) => ({ kind: 'json' as const, value, contentType: 'application/json' })) },
      {
        weight: 10,
        arbitrary: fc
          .tuple(valid, fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
          .map(([value, mutations]) => ({ kind: 'json' as const, value: applyMutations(value, mutations), contentType: 'application/json' })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(valid, fc.constantFrom<string | null>(null, ...WRONG_CONTENT_TYPES))
          .map(([value, contentType]) => ({ kind: 'json' as const, value, contentType })),
      },
    );
  }
  if (multipart) {
    const field = fc.oneof(fc.constantFrom('photo', 'medical', 'police', 'school', 'document', 'other'), hostileString);
    const file = fc.record({
      name: fc.oneof(fc.constantFrom('letter.pdf', 'photo.jpg', 'x.docx', '../../x.pdf', '雀.pdf', 'a\u0000.pdf', ''), hostileString),
      bytes: fc.oneof(
        fc.constant<number[]>(Array.from(Buffer.from('%PDF-1.4\n%%EOF\n'))),
        fc.constant<number[]>([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
      ),
      type: fc.constantFrom('application/pdf', 'image/jpeg', 'text/plain', 'application/octet-stream'),
    });
    choices.push({
      weight: 8,
      arbitrary: fc
        .record({ kind: field, note: fc.option(fc.oneof(texty(100), hostileString)), extra: fc.boolean(), file: fc.option(file, { freq: 5 }) })
        .map(({ kind, note, extra, file }) => ({
          kind: 'multipart' as const,
          fields: [
            ['kind', kind] as [string, string],
            ...(note !== null ? [['note', note] as [string, string]] : []),
            ...(extra ? [['kind', 'other'] as [string, string]] : []),
          ],
          file,
        })),
    });
  }
  choices.push({ weight: json || multipart ? 1 : 6, arbitrary: fc.constant({ kind: 'none' as const }) });
  choices.push({
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...RAW_BODIES), fc.constantFrom<string | null>('application/json', ...WRONG_CONTENT_TYPES))
      .map(([text, contentType]) => ({
        kind: 'raw' as const,
        text,
        contentType,
      })),
  });
  choices.push({ weight: 1, arbitrary: hostileValue.map((value) => ({ kind: 'json' as const, value, contentType: 'application/json' })) });
  return fc.oneof(...choices);
}

const authArb: fc.Arbitrary<FuzzAuth> = fc.oneof(
  { weight: 30, arbitrary: fc.constant({ kind: 'caller' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tampered' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer x.y.z',
        'Basic YWRtaW46c2hvdWh1',
        'bearer eyJhbGciOiJub25lIn0.e30.',
        'Bearer \u00ff',
        'Bearer ' + 'a'.repeat(9000),
      )
      .map((value) => ({ kind: 'header' as const, value })),
  },
);

/** One request to one operation of the document, by one caller. */
export function requestArb(op: FuzzOperation, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const params = op.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathRecord: Record<string, fc.Arbitrary<string>> = {};
  for (const p of pathParams) pathRecord[p.name] = pathValueArb(op.path, p, ctx);
  const queryArb = fc
    .tuple(
      ...queryParams.map((p) =>
        fc
          .tuple(fc.integer({ min: 0, max: 9 }), queryValueArb(p, ctx), queryValueArb(p, ctx))
          // Mostly absent or once; sometimes twice (a duplicate parameter).
          .map(([pick, a, b]): [string, string][] =>
            pick < 5
              ? []
              : pick < 9
                ? [[p.name, a]]
                : [
                    [p.name, a],
                    [p.name, b],
                  ],
          ),
      ),
      // An unknown parameter now and then (it makes the whole request a 400).
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.tuple(
            fc.constantFrom('unknown', '__proto__', 'constructor', 'limit[]', 'a[b]', ''),
            hostileString.map((v) => v.slice(0, 500)),
          ),
        },
      ),
    )
    .map((parts) => {
      const extra = parts[parts.length - 1] as [string, string] | null;
      const pairs = (parts.slice(0, -1) as [string, string][][]).flat();
      return extra ? [...pairs, extra] : pairs;
    });
  const admitted = ctx.callersFor(op.method, op.path);
  return fc
    .record({
      caller:
        admitted.length > 0
          ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...admitted) }, { weight: 1, arbitrary: fc.constantFrom(...ctx.callers) })
          : fc.constantFrom(...ctx.callers),
      auth: authArb,
      pathParams: fc.record(pathRecord),
      query: queryArb,
      body: bodyArb(op, ctx),
    })
    .map((r) => ({ method: op.method, route: op.path, ...r }));
}

/** Percent-encodes the UTF-8 of a string (a lone surrogate as U+FFFD, as any client would send it); unreserved characters stay. */
export function percentEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A path value sent as it is, not percent-encoded (malformed escapes, raw dots and slashes). */
export const RAW_PATH_PREFIX = 'raw:';

/** The URL path and query of a request (path values percent-encoded, query pairs in order, duplicates kept). */
export function urlOf(req: FuzzRequest): string {
  const segment = (v: string) => (v.startsWith(RAW_PATH_PREFIX) ? v.slice(RAW_PATH_PREFIX.length) : percentEncode(v));
  const path = req.route.replace(/\{(\w+)\}/g, (_m, name: string) => segment(req.pathParams[name] ?? ''));
  const qs = req.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  return qs ? `${path}?${qs}` : path;
}

/** A short description of a request for a failure message (long strings cut). */
export function describeRequest(req: FuzzRequest): string {
  const cut = (_k: string, v: unknown) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…(${v.length} chars)` : v);
  const body =
    req.body.kind === 'json'
      ? `json(${req.body.contentType}) ${JSON.stringify(req.body.value, cut)?.slice(0, 2000)}`
      : req.body.kind === 'raw'
        ? `raw(${req.body.contentType}) ${JSON.stringify(req.body.text.slice(0, 200))}`
        : req.body.kind === 'multipart'
          ? `multipart ${JSON.stringify(req.body.fields, cut)} file=${req.body.file ? JSON.stringify({ ...req.body.file, bytes: req.body.file.bytes.length }) : 'none'}`
          : 'no body';
  return `${req.method} ${urlOf(req).slice(0, 500)} as ${req.caller} (auth ${req.auth.kind}) ${body}`;
}
