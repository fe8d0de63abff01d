/**
 * Why something was refused, in the terms its caller sees. Features raise a `Refusal`; entry
 * points (resolvers, validators, triggers) translate every error with `failureOf`
 * (src/jira/errors.ts) and answer in their own envelope.
 */

export type ErrorCode =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'unsupported'
  | 'rate-limited'
  | 'jira-error'
  | 'internal';

export interface Failure {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class Refusal extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = 'Refusal';
  }
}

/** Stops the current operation with a refusal the caller will read. */
export const refuse = (code: ErrorCode, message: string, details?: unknown): never => {
  throw new Refusal({ code, message, ...(details === undefined ? {} : { details }) });
};
