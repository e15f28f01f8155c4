import 'reflect-metadata';
import { ArgumentMetadata } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import { IsArray, IsDateString, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, validate, ValidateNested } from 'class-validator';
import { DomainError, ErrorCode } from '@shouhu/errors';
import { createValidationPipe, flattenValidationErrors } from './validation';

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
