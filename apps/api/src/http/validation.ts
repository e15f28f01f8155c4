import { ArgumentMetadata, PipeTransform, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode, FieldProblem } from '@shouhu/errors';
import { nestedDeeperThan, tooDeeplyNested } from './nesting';

/** class-validator's messages start with the property name; the field is given apart. */
function clean(property: string, message: string): string {
  if (message.startsWith(`property ${property} should not exist`)) return 'is not an allowed field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * An unknown field is named back only when its name looks like one (ASCII, starting with a
 * letter; brackets and dots allowed): a key of any other shape is the client's text (a whole
 * JSON body sent as a form key, a child's name, a phone number…) and
 * an error must not echo identity (found by the fuzzer, test/e2e/fuzz.e2e-spec.ts).
 */
const FIELD_NAME = /^[A-Za-z_$][\w$\-[\].]{0,511}$/;
const WITHHELD_FIELD = '(unknown field)';

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const e of errors) {
    const property = FIELD_NAME.test(e.property) || /^\d{1,6}$/.test(e.property) ? e.property : WITHHELD_FIELD;
    const field = parent ? `${parent}.${property}` : property;
    for (const message of Object.values(e.constraints ?? {})) {
      problems.push({ field, message: property === WITHHELD_FIELD ? 'is not an allowed field (its name is not repeated)' : clean(e.property, message) });
    }
    if (e.children?.length) problems.push(...flattenValidationErrors(e.children, field));
  }
  return problems;
}

/**
 * The fields (dotted paths) of a request value whose strings contain a NUL character,
 * in document order. Iterative, so no input can overflow the stack here.
 */
export function fieldsWithNul(value: unknown, path = ''): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [node, at] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (node.includes('\u0000')) found.push(at);
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i -= 1) stack.push([entries[i][1], at ? `${at}.${entries[i][0]}` : entries[i][0]]);
    }
  }
  return found;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The fields of a request value whose strings hold a lone surrogate (a JSON `\\ud800`
 * escape): not Unicode text, and PostgreSQL's jsonb refuses it (22P05, a 500 found by
 * the fuzzer on an audited agency rename). Iterative, like fieldsWithNul.
 */
export function fieldsWithLoneSurrogates(value: unknown, path = ''): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [node, at] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) found.push(at);
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i -= 1) stack.push([entries[i][1], at ? `${at}.${entries[i][0]}` : entries[i][0]]);
    }
  }
  return found;
}

/**
 * PostgreSQL text cannot hold NUL, nor jsonb a lone surrogate: refuse them here as bad input, not later as a driver error (500).
 * Deep nesting is refused first (the HTTP hook already did; this keeps the pipe safe on its own):
 * class-transformer and ValidationPipe walk values recursively.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if ((metadata.type === 'body' || metadata.type === 'query') && nestedDeeperThan(value)) throw tooDeeplyNested(metadata.type);
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const fields = fieldsWithNul(value, metadata.data ?? '');
      if (fields.length > 0) {
        const details = fields.map((field) => ({ field: field || metadata.type, message: 'must not contain NUL characters' }));
        throw new DomainError(ErrorCode.ValidationFailed, details.map((d) => `${d.field} ${d.message}`).join('; '), details);
      }
      const broken = fieldsWithLoneSurrogates(value, metadata.data ?? '');
      if (broken.length > 0) {
        const details = broken.map((field) => ({ field: field || metadata.type, message: 'must be valid Unicode text (a lone surrogate)' }));
        throw new DomainError(ErrorCode.ValidationFailed, details.map((d) => `${d.field} ${d.message}`).join('; '), details);
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe: unknown fields are rejected (not stripped), values are
 * transformed into the DTO classes, and every problem names its field.
 */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => {
      const details = flattenValidationErrors(errors);
      const message = details.length ? details.map((d) => `${d.field} ${d.message}`).join('; ') : 'the request is invalid';
      return new DomainError(ErrorCode.ValidationFailed, message, details);
    },
  });
}

/**
 * The body of a route that takes one of several shapes told apart by one field (a
 * discriminated union, e.g. a transition's `action`): validated by the one validation
 * pipe against the class that field names, or against `fallback` when it names none,
 * so the 400 names the field. The route's parameter type is the union, which the global
 * pipe leaves to this one.
 */
export class VariantBodyPipe implements PipeTransform {
  private readonly pipe = createValidationPipe();

  constructor(
    private readonly discriminator: string,
    private readonly variants: Readonly<Record<string, Type<unknown>>>,
    private readonly fallback: Type<unknown>,
  ) {}

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const own = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, this.discriminator);
    const tag: unknown = own ? Reflect.get(value, this.discriminator) : undefined;
    const metatype = typeof tag === 'string' && Object.hasOwn(this.variants, tag) ? this.variants[tag] : this.fallback;
    return this.pipe.transform(value, { ...metadata, metatype });
  }
}
