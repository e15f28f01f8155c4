import { ApiProperty } from '@nestjs/swagger';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * The length of a string as PostgreSQL counts it for varchar(n) and char_length():
 * Unicode code points. A surrogate pair is one; a combining mark or a variation
 * selector (U+FE0F) is one more. class-validator's MaxLength (validator.js isLength)
 * skips U+FE0E/U+FE0F, so a string it passes could overflow its column (a 500).
 * A lone surrogate counts one: the driver sends it as U+FFFD, one code point.
 */
export function charCount(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

function charsDecorator(name: 'maxChars' | 'minChars', limit: number, options?: ValidationOptions): PropertyDecorator {
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`${name}: the limit must be a whole number, got ${limit}`);
  return (target, propertyKey) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyKey),
      constraints: [limit],
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const count = charCount(value);
          return name === 'maxChars' ? count <= limit : count >= limit;
        },
        defaultMessage: (args?: ValidationArguments) => `must be at ${name === 'maxChars' ? 'most' : 'least'} ${args?.constraints[0] ?? limit} characters`,
      },
    });
    // The OpenAPI document states the same limit (and counts the same way: JSON Schema counts code points).
    ApiProperty(name === 'maxChars' ? { maxLength: limit } : { minLength: limit })(target, propertyKey);
  };
}

/**
 * At most `max` characters, counted as PostgreSQL counts them (code points). Use it
 * for every bounded string instead of MaxLength/Length; `max` must not exceed the
 * length of the column the value lands in.
 */
export function MaxChars(max: number, options?: ValidationOptions): PropertyDecorator {
  return charsDecorator('maxChars', max, options);
}

/** At least `min` characters, counted as MaxChars counts them. */
export function MinChars(min: number, options?: ValidationOptions): PropertyDecorator {
  return charsDecorator('minChars', min, options);
}
