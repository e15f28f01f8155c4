import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@shouhu/errors';

/** No request of this API nests deeper than 2 levels; 32 leaves room and stays far from any stack limit. */
export const MAX_NESTING = 32;

/**
 * Whether a parsed value nests arrays or objects more than `max` levels deep (a
 * plain value is 0 levels, `{}` and `[]` are 1). Iterative: it is safe on input of
 * any depth, unlike the recursive walks of class-transformer and of the validation pipe.
 */
export function nestedDeeperThan(value: unknown, max: number = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const inner of Object.values(node)) {
      if (inner !== null && typeof inner === 'object') stack.push([inner, depth + 1]);
    }
  }
  return false;
}

/** 400 VALIDATION_FAILED for a body or query string nested too deeply. */
export function tooDeeplyNested(part: 'body' | 'query', max: number = MAX_NESTING): DomainError {
  const what = part === 'body' ? 'the request body' : 'the query string';
  return new DomainError(ErrorCode.ValidationFailed, `${what} is nested too deeply (at most ${max} levels)`, [
    { field: part, message: `is nested too deeply (at most ${max} levels)` },
  ]);
}

/**
 * Refuses deeply nested input right after parsing, before guards, throttling, pipes
 * and handlers see it: JSON.parse builds a few thousand levels from a 6 KB body,
 * and the recursive walks after it would overflow the stack (a 500 per request).
 * The query string parser (fast-querystring) does not nest; it is checked anyway.
 */
export function installNestingLimit(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    if (nestedDeeperThan(request.body)) return done(tooDeeplyNested('body'));
    if (nestedDeeperThan(request.query)) return done(tooDeeplyNested('query'));
    done();
  });
}
