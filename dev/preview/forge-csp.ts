import { CSPInjectionService, CSPProcessingService } from '@forge/csp';
import type { Permissions } from '@forge/manifest';
import { load } from 'cheerio';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * The Content-Security-Policy Forge serves a Custom UI resource under, built with Atlassian's own
 * header builder (@forge/csp): the production base policy, widened only by what manifest.yml
 * declares under `permissions.content` and `permissions.external`, plus hashes of inline scripts
 * in index.html. See https://developer.atlassian.com/platform/forge/manifest-reference/permissions/
 * and docs/emulator-csp.md. Reports go to the preview (`CSP_REPORT_PATH`), not to Atlassian.
 */

/** Where the preview's pages send CSP violation reports (instead of Atlassian's collector). */
export const CSP_REPORT_PATH = '/api/csp-report';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** `permissions` of manifest.yml, as Forge reads it. */
export function manifestPermissions(
  manifestPath = path.join(REPO_ROOT, 'manifest.yml'),
): Permissions {
  const manifest = parse(readFileSync(manifestPath, 'utf8')) as {
    permissions?: Permissions;
  } | null;
  return manifest?.permissions ?? {};
}

/**
 * Forge keeps only `unsafe-inline` in `content.styles` and `unsafe-inline`, `unsafe-eval`,
 * `unsafe-hashes`, `blob:` or a sha256/384/512 hash in `content.scripts`, and drops the rest; the
 * preview refuses them instead, so a typo is seen rather than silently ignored.
 */
export function assertValidContentPermissions(permissions: Permissions): void {
  const processing = new CSPProcessingService({ info: () => undefined }, load);
  const invalid = processing.getInvalidCspPermissions(permissions.content ?? {});
  if (invalid.length > 0) {
    throw new Error(
      `manifest.yml permissions.content: ${invalid.map((v) => JSON.stringify(v)).join(', ')} ` +
        "not allowed (styles: only 'unsafe-inline'; scripts: 'unsafe-inline', 'unsafe-eval', " +
        "'unsafe-hashes', 'blob:' or a sha256/384/512 hash)",
    );
  }
}

/** The header value for one resource's HTML document, as Forge's production CDN would send it. */
export function forgeCsp(html: string, permissions: Permissions): string {
  const processing = new CSPProcessingService({ info: () => undefined }, load);
  const existingCSPDetails = processing.getCspDetails(html, permissions);
  const directives = new CSPInjectionService().getInjectableCSP({
    existingCSPDetails,
    microsEnv: 'prod',
  });
  return directives
    .map((d) => (d.startsWith('report-uri ') ? `report-uri ${CSP_REPORT_PATH}` : d))
    .join('; ');
}
