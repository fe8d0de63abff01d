import { z } from 'zod';
import { section } from './config-parts';

/**
 * Jira Product Discovery spaces connected to a project: their ideas are on the project's
 * discovery track (docs/jpd.md). Chosen per project, by project key, from the spaces the admin
 * can browse; the global settings keep none.
 */

/** Spaces one project may connect: one search reads them all (`project in (...)`). */
export const JPD_SPACES_MAX = 10;

/** A Jira project key: a letter, then letters, digits or underscores (Jira's default pattern). */
const SpaceKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9_]{0,254}$/, {
    error: 'must be project keys: capital letters, digits and underscores, starting with a letter',
  });

export const jpd = section(
  {
    spaceKeys: z
      .array(SpaceKeySchema)
      .max(JPD_SPACES_MAX, { error: `must have at most ${JPD_SPACES_MAX} entries` }),
  },
  { spaceKeys: [] },
);
