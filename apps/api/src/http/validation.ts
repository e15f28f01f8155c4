import { ArgumentMetadata, PipeTransform, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The fields (dotted paths) of a request value whose strings PostgreSQL cannot store, in document
 * order: `nul`, those holding a NUL character (text cannot); `loneSurrogate`, those holding a lone
 * surrogate (a JSON `\\ud800` escape: not Unicode text, and jsonb refuses it, 22P05, a 500 found by
 * the fuzzer on an audited agency rename). One walk, iterative, so no input can overflow the stack
 * here; a path is spelt out only for a field found.
 */
export function unstorableTextFields(value: unknown, path = ''): { nul: string[]; loneSurrogate: string[] } {
  const found = { nul: [] as string[], loneSurrogate: [] as string[] };
  type Node = { value: unknown; parent: Node | null; key: string };
  // The root's key is `path`; below it, `parent.key` (a key under an empty path is the path).
  const pathOf = (node: Node): string => {
    const keys: string[] = [];
    for (let at: Node | null = node; at !== null; at = at.parent) keys.push(at.key);
    keys.reverse();
    let joined = keys[0];
    for (let i = 1; i < keys.length; i += 1) joined = joined ? `${joined}.${keys[i]}` : keys[i];
    return joined;
  };
  const stack: Node[] = [{ value, parent: null, key: path }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (typeof node.value === 'string') {
      if (node.value.includes('\u0000')) found.nul.push(pathOf(node));
      if (LONE_SURROGATE.test(node.value)) found.loneSurrogate.push(pathOf(node));
    } else if (node.value !== null && typeof node.value === 'object') {
      const entries = Object.entries(node.value);
      for (let i = entries.length - 1; i >= 0; i -= 1) stack.push({ value: entries[i][1], parent: node, key: entries[i][0] });
    }
  }
  return found;
}

/** The fields of a request value whose strings contain a NUL character, in document order (unstorableTextFields). */
export function fieldsWithNul(value: unknown, path = ''): string[] {
  return unstorableTextFields(value, path).nul;
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
      const { nul: fields, loneSurrogate: broken } = unstorableTextFields(value, metadata.data ?? '');
      if (fields.length > 0) {
        const details = fields.map((field) => ({ field: field || metadata.type, message: 'must not contain NUL characters' }));
        throw new DomainError(ErrorCode.ValidationFailed, details.map((d) => `${d.field} ${d.message}`).join('; '), details);
      }
      if (broken.length > 0) {
        const details = broken.map((field) => ({ field: field || metadata.type, message: 'must be valid Unicode text (a lone surrogate)' }));
        throw new DomainError(ErrorCode.ValidationFailed, details.map((d) => `${d.field} ${d.message}`).join('; '), details);
      }
    }
    return super.transform(value, metadata);
  }
}

/** The part of class-validator's rule storage memoiseValidationRules wraps. */
interface RuleStorage {
  getTargetValidationMetadatas(target: unknown, schema: string, always: boolean, strictGroups: boolean, groups?: string[]): ValidationMetadata[];
  groupByPropertyName(metadata: ValidationMetadata[]): Record<string, ValidationMetadata[]>;
  addValidationMetadata(metadata: unknown): void;
  addConstraintMetadata(metadata: unknown): void;
}

let rulesMemoised = false;

/**
 * class-validator looks a class's rules up anew on every validation of every object: a filter of
 * the class's own rules, a scan of every class it knows (instanceof against each, for inherited
 * rules) and a grouping by property, 2–3 % of a queue request's CPU. The rules are fixed once the
 * modules have loaded, so each class's lookup (without validation groups, which this api does not
 * use: those go through as before) and its grouping are kept; a rule added later forgets them all.
 */
export function memoiseValidationRules(): void {
  if (rulesMemoised) return;
  rulesMemoised = true;
  const storage = getMetadataStorage() as unknown as RuleStorage;
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  let rules = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  const addRule = storage.addValidationMetadata.bind(storage);
  const addConstraint = storage.addConstraintMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    rules = new WeakMap();
    grouped = new WeakMap();
    addRule(metadata);
  };
  storage.addConstraintMetadata = (metadata) => {
    rules = new WeakMap();
    grouped = new WeakMap();
    addConstraint(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if ((groups && groups.length > 0) || typeof target !== 'function') return lookUp(target, schema, always, strictGroups, groups);
    const options = `${schema}|${always}|${strictGroups}`;
    let byOptions = rules.get(target);
    if (!byOptions) rules.set(target, (byOptions = new Map<string, ValidationMetadata[]>()));
    let found = byOptions.get(options);
    if (!found) byOptions.set(options, (found = lookUp(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let byProperty = grouped.get(metadata);
    if (!byProperty) grouped.set(metadata, (byProperty = group(metadata)));
    return byProperty;
  };
}

/**
 * The one validation pipe: unknown fields are rejected (not stripped), values are
 * transformed into the DTO classes, and every problem names its field.
 */
export function createValidationPipe(): ValidationPipe {
  memoiseValidationRules();
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
