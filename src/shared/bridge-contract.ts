import { z } from 'zod';

/**
 * The contract between the Custom UI (static/) and the resolvers (src/resolvers/): resolver keys,
 * their payload schemas and the one result envelope. Imported by both sides, never copied.
 * Payloads are untrusted: the backend parses them with these schemas and takes identity and
 * project/issue context only from Forge's invocation context.
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

export interface BridgeError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: BridgeError };

const ProjectKey = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a Jira project key like "DT"');

export const TrackSchema = z.enum(['discovery', 'delivery']);

/** Resolver keys and payload schemas; a resolver added later must be listed here. */
export const RESOLVER_PAYLOADS = {
  'setup/status': z.object({}).strict(),
  'setup/run': z
    .object({
      /** For team-managed projects: existing issue type ids and the track each belongs to. */
      mapping: z
        .array(z.object({ issueTypeId: z.string().regex(/^\d+$/), track: TrackSchema }).strict())
        .max(100)
        .optional(),
    })
    .strict(),
} as const;

export type ResolverKey = keyof typeof RESOLVER_PAYLOADS;
export type PayloadOf<K extends ResolverKey> = z.infer<(typeof RESOLVER_PAYLOADS)[K]>;

export { ProjectKey as ProjectKeySchema };
