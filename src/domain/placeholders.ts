/**
 * Words that are not a scoped outcome or a success measure when they are all an item says
 * ("TBD", "investigate"): the default of the scoped outcome's placeholder setting (config.ts).
 */
export const DEFAULT_PLACEHOLDERS = [
  'tbd',
  'tba',
  'todo',
  'to do',
  'n/a',
  'na',
  'none',
  'investigate',
  'research',
  'explore',
  'spike',
  'look into it',
  'figure it out',
  '?',
  '-',
  '...',
] as const;
