import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode, FieldProblem } from '@shouhu/errors';

/** class-validator's messages start with the property name; the field is given apart. */
function clean(property: string, message: string): string {
  if (message.startsWith(`property ${property} should not exist`)) return 'is not an allowed field';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) problems.push({ field, message: clean(e.property, message) });
    if (e.children?.length) problems.push(...flattenValidationErrors(e.children, field));
  }
  return problems;
}

/**
 * The one validation pipe: unknown fields are rejected (not stripped), values are
 * transformed into the DTO classes, and every problem names its field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
