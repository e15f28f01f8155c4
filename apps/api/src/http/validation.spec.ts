import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import { IsArray, IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, validate, ValidateNested } from 'class-validator';
import { AcceptTransition, CaseAction, MergeTransition, TRANSITION_ACTIONS, TRANSITION_VARIANTS, TransitionFields } from '@shouhu/cases';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { MAX_NESTING, nestedDeeperThan } from './nesting';
import { createValidationPipe, fieldsWithNul, flattenValidationErrors, memoiseValidationRules, unstorableTextFields, VariantBodyPipe } from './validation';

class ChildDto {
  @IsString()
  @IsNotEmpty()
  name: string;

  @IsDateString()
  birthDate: string;
}

class ReportDto {
  @IsString()
  @MaxLength(5)
  narrative: string;
}

class CaseDto {
  @ValidateNested()
  @Type(() => ChildDto)
  child: ChildDto;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReportDto)
  reports: ReportDto[];

  @IsOptional()
  @IsIn(['R1', 'R2'])
  riskLevel?: string;
}

const valid = () => ({ child: { name: '张小明', birthDate: '2015-04-02' }, reports: [{ narrative: 'ok' }] });

/** Validates like the app's pipe: unknown fields are errors. */
async function problemsOf(body: unknown) {
  const errors = await validate(plainToInstance(CaseDto, body) as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return flattenValidationErrors(errors);
}

describe('flattenValidationErrors', () => {
  it('reports nothing for a valid body', async () => {
    expect(await problemsOf(valid())).toEqual([]);
  });

  it('gives nested fields as dotted paths, without repeating the property in the message', async () => {
    const problems = await problemsOf({ ...valid(), child: { name: '', birthDate: 'yesterday' } });
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'child.birthDate', message: 'must be a valid ISO 8601 date string' },
        { field: 'child.name', message: 'should not be empty' },
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('indexes array elements in the path', async () => {
    expect(await problemsOf({ ...valid(), reports: [{ narrative: 'ok' }, { narrative: 'far too long' }] })).toEqual([
      { field: 'reports.1.narrative', message: 'must be shorter than or equal to 5 characters' },
    ]);
  });

  it('says "is not an allowed field" for unknown fields, at any depth', async () => {
    const problems = await problemsOf({ ...valid(), isAdmin: true, child: { ...valid().child, secret: 1 } });
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'isAdmin', message: 'is not an allowed field' },
        { field: 'child.secret', message: 'is not an allowed field' },
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('keeps every message of a field', async () => {
    const problems = await problemsOf({ ...valid(), reports: [{ narrative: 42 }] });
    expect(problems.map((p) => p.field)).toEqual(['reports.0.narrative', 'reports.0.narrative']);
    expect(problems.map((p) => p.message).sort()).toEqual(['must be a string', 'must be shorter than or equal to 5 characters']);
  });

  it('names the parent path given', () => {
    expect(flattenValidationErrors([{ property: 'x', constraints: { isInt: 'x must be an integer number' }, children: [] }], 'outer')).toEqual([
      { field: 'outer.x', message: 'must be an integer number' },
    ]);
  });
});

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();
  const body: ArgumentMetadata = { type: 'body', metatype: CaseDto, data: '' };

  it('returns an instance of the DTO for a valid body', async () => {
    const result = await pipe.transform(valid(), body);
    expect(result).toBeInstanceOf(CaseDto);
    expect(result.child).toBeInstanceOf(ChildDto);
  });

  it('throws VALIDATION_FAILED naming each field, unknown ones rejected rather than stripped', async () => {
    const error = await pipe.transform({ ...valid(), child: { name: 'a', birthDate: 'no' }, extra: 1 }, body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.code).toBe(ErrorCode.ValidationFailed);
    expect(domain.details).toEqual(
      expect.arrayContaining([
        { field: 'child.birthDate', message: 'must be a valid ISO 8601 date string' },
        { field: 'extra', message: 'is not an allowed field' },
      ]),
    );
    expect(domain.message).toContain('child.birthDate must be a valid ISO 8601 date string');
    expect(domain.message).toContain('extra is not an allowed field');
    // validationError target/value are off: the rejected values are not echoed back.
    expect(JSON.stringify(domain.details)).not.toContain('"no"');
  });
});

describe('NUL characters', () => {
  const pipe = createValidationPipe();

  it('finds them at any depth', () => {
    expect(fieldsWithNul({ a: 'ok', b: 'x\u0000', c: { d: ['fine', '\u0000'] }, e: 1, f: null })).toEqual(['b', 'c.d.1']);
    expect(fieldsWithNul('\u0000', 'id')).toEqual(['id']);
    expect(fieldsWithNul({ a: 'no nul here' })).toEqual([]);
    expect(unstorableTextFields({ a: 'x\ud800', b: ['\ud83d\ude00', 'y\udc00\u0000'], c: { '': '\u0000' } }, 'body')).toEqual({
      nul: ['body.b.1', 'body.c.'],
      loneSurrogate: ['body.a', 'body.b.1'],
    });
  });

  it('are refused as VALIDATION_FAILED naming the field, before PostgreSQL sees them', async () => {
    const error = await pipe
      .transform({ ...valid(), child: { name: '张\u0000明', birthDate: '2015-04-02' } }, { type: 'body', metatype: CaseDto, data: '' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).details).toEqual([{ field: 'child.name', message: 'must not contain NUL characters' }]);
    await expect(pipe.transform('a\u0000', { type: 'param', metatype: String, data: 'id' })).rejects.toMatchObject({ details: [{ field: 'id' }] });
    await expect(pipe.transform({ role: '\u0000' }, { type: 'query', metatype: Object, data: undefined })).rejects.toMatchObject({
      details: [{ field: 'role' }],
    });
  });

  it('leave other values and decorators alone', async () => {
    await expect(pipe.transform('abc', { type: 'param', metatype: String, data: 'id' })).resolves.toBe('abc');
    const actor = { username: 'x\u0000' };
    await expect(pipe.transform(actor, { type: 'custom', metatype: Object, data: undefined })).resolves.toBe(actor);
  });
});

/** `levels` arrays (or objects) inside each other around `inner`, built without recursion. */
function nest(levels: number, inner: unknown = 'x', kind: 'array' | 'object' = 'array'): unknown {
  let value = inner;
  for (let i = 0; i < levels; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

describe('deep nesting', () => {
  const pipe = createValidationPipe();

  it('is measured in levels of arrays and objects, up to the limit inclusive', () => {
    expect(MAX_NESTING).toBe(32);
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan(null, 0)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({}, 1)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: 'x' }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: [] }] }, 3)).toBe(true);
    for (const kind of ['array', 'object'] as const) {
      expect(nestedDeeperThan(nest(32, 'x', kind))).toBe(false);
      expect(nestedDeeperThan(nest(33, 'x', kind))).toBe(true);
      expect(nestedDeeperThan({ ok: 1, deep: nest(32, 'x', kind) })).toBe(true);
    }
    expect(nestedDeeperThan({ wide: Array.from({ length: 100_000 }, (_, i) => ({ i })) })).toBe(false);
  });

  it('is safe to measure and to search for NUL at any depth (no recursion)', () => {
    const deep = nest(200_000);
    expect(nestedDeeperThan(deep)).toBe(true);
    expect(() => fieldsWithNul(nest(5_000, 'ok', 'object'))).not.toThrow();
    expect(fieldsWithNul(nest(5_000, 'ok', 'object'))).toEqual([]);
    expect(fieldsWithNul({ a: nest(3, 'x\u0000', 'object') })).toEqual(['a.a.a.a']);
  });

  it('is refused by the pipe as VALIDATION_FAILED before anything walks the value', async () => {
    const body = { type: 'body' as const, metatype: CaseDto, data: '' };
    for (const value of [nest(3000), nest(3000, 'x', 'object'), { ...valid(), child: nest(40, 'x', 'object') }]) {
      const error = await pipe.transform(value, body).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(ErrorCode.ValidationFailed);
      expect((error as DomainError).message).toBe('the request body is nested too deeply (at most 32 levels)');
      expect((error as DomainError).details).toEqual([{ field: 'body', message: 'is nested too deeply (at most 32 levels)' }]);
    }
    await expect(pipe.transform({ role: nest(40) }, { type: 'query', metatype: Object, data: undefined })).rejects.toMatchObject({
      details: [{ field: 'query' }],
    });
    // Within the limit the DTO's own rules answer.
    await expect(pipe.transform({ ...valid(), child: nest(20, 'x', 'object') }, body)).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
      details: expect.not.arrayContaining([{ field: 'body', message: expect.any(String) }]),
    });
  });
});

describe('VariantBodyPipe (a transition body: one class per action)', () => {
  const pipe = new VariantBodyPipe('action', TRANSITION_VARIANTS, TransitionFields);
  const body = { type: 'body' as const, metatype: Object, data: undefined };
  const problems = (value: unknown) =>
    pipe.transform(value, body).then(
      () => [],
      (e: unknown) => (e as DomainError).details,
    );
  const uuid = '6f1c1f0e-4a57-4d2e-9d2a-0b0d7c1e2f3a';

  it('has a class for every action of the transitions route', () => {
    expect(Object.keys(TRANSITION_VARIANTS).sort()).toEqual([...TRANSITION_ACTIONS].sort());
  });

  it('turns a body into its action’s class, trimmed and typed', async () => {
    const accept = await pipe.transform({ action: 'accept', version: 3, riskLevel: 'R2', assigneeId: uuid, reason: '  核实 ' }, body);
    expect(accept).toBeInstanceOf(AcceptTransition);
    expect(accept).toEqual({ action: CaseAction.Accept, version: 3, riskLevel: 'R2', assigneeId: uuid, reason: '核实' });
    expect(await pipe.transform({ action: 'merge', version: 1, intoCaseId: uuid }, body)).toBeInstanceOf(MergeTransition);
  });

  it('refuses a field of another action, naming it', async () => {
    expect(await problems({ action: 'accept', version: 1, riskLevel: 'R3', assigneeId: uuid, narrative: 'x' })).toEqual([
      { field: 'narrative', message: 'is not an allowed field' },
    ]);
    expect(await problems({ action: 'escalate', version: 1, reason: 'x', intoCaseId: uuid })).toEqual([
      { field: 'intoCaseId', message: 'is not an allowed field' },
    ]);
  });

  it('leaves required fields to the service (checked after role, version and state), but checks the form of what is sent', async () => {
    expect(await problems({ action: 'accept', version: 1 })).toEqual([]);
    expect(await problems({ action: 'accept', version: 1, riskLevel: 'R0', assigneeId: 'sup-xa' })).toEqual([
      { field: 'riskLevel', message: 'must be one of R1, R2, R3, R4' },
      { field: 'assigneeId', message: 'must be a UUID' },
    ]);
  });

  it('checks a body whose action is none of them against every field, naming action', async () => {
    expect(await problems({ action: 'fast_track', version: 1, reason: 'x' })).toEqual([
      { field: 'action', message: expect.stringMatching(/^must be one of submit, /) },
    ]);
    expect(await problems({ version: 1 })).toEqual([{ field: 'action', message: expect.stringMatching(/^must be one of /) }]);
    expect((await problems([{ action: 'accept', version: 1 }])).length).toBeGreaterThan(0);
    // `action` is looked up as the body's own field only.
    expect(await problems({ version: 1, __proto__: { action: 'accept' } })).toEqual([{ field: 'action', message: expect.stringMatching(/^must be one of /) }]);
  });
});

describe('memoiseValidationRules', () => {
  it('keeps a class’s rules between validations, and forgets them when a rule is added', async () => {
    memoiseValidationRules();
    class Probe {
      @IsString()
      name!: string;

      age?: unknown;
    }
    const properties = async (value: object) => (await validate(Object.assign(new Probe(), value))).map((e) => e.property);
    expect(await properties({ name: 1 })).toEqual(['name']);
    expect(await properties({ name: 1 })).toEqual(['name']);
    expect(await properties({ name: 'x', age: 'no' })).toEqual([]);
    // A rule declared after the first validation (decorators run as their class is loaded) counts at once.
    IsInt()(Probe.prototype, 'age');
    expect(await properties({ name: 'x', age: 'no' })).toEqual(['age']);
    expect(await properties({ name: 2, age: 3 })).toEqual(['name']);
  });
});
