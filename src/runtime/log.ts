/**
 * The app's one logger. Forge keeps what a function writes to the console in its logs
 * (`forge logs`); each line starts with where it comes from and what happened, and carries the
 * facts as fields, never payloads or user text beyond keys and ids.
 */

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

type Level = 'warn' | 'error';

function write(level: Level, scope: string, message: string, fields?: LogFields): void {
  const line = `${scope}: ${message}`;
  const facts = Object.fromEntries(Object.entries(fields ?? {}).filter(([, v]) => v !== undefined));
  const sink = level === 'warn' ? console.warn : console.error;
  if (Object.keys(facts).length === 0) sink(line);
  else sink(line, facts);
}

export interface Logger {
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger for one part of the app: `logger('sprint-guard').warn('...', { issue: 'DT-1' })`. */
export function logger(scope: string): Logger {
  return {
    warn: (message, fields) => write('warn', scope, message, fields),
    error: (message, fields) => write('error', scope, message, fields),
  };
}

/** The text of a thrown value, for a log field. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
