import { z } from 'zod';

/**
 * Forge serves Custom UI without 'unsafe-eval', so zod must not probe `new Function` for its
 * fast path: the probe is caught, but the browser still reports a CSP violation. Imported first by
 * every page (before any module that parses at load time); parsing works the same without it.
 */
z.config({ jitless: true });
