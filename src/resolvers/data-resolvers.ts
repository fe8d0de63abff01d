import {
  checkDocument,
  checkEvidenceParts,
  exportPage,
  importDocument,
} from '../data-transfer/data-transfer';
import { ImportInterruptedError } from '../data-transfer/import-apply';
import type { ResolverGroup } from './all-resolvers';
import { fail, resolver, type Requirement } from './resolver-kit';

/**
 * `data/export` and `data/import` for the admin page: Jira admins only (Administer Jira, checked
 * with Jira as the caller), since a document holds every project's settings, waivers, audit log
 * and evidence. An import is a dry run returning the diff unless `dryRun: false`; a document
 * with any invalid record is refused whole, before anything is written.
 */

const JIRA_ADMIN: Requirement = {
  context: () => ({ kind: 'global' }),
  permissions: ['ADMINISTER'],
  because: "Only Jira admins can export or import Dual Track's data.",
};

export const dataResolvers: ResolverGroup = {
  'data/export': resolver('data/export', [JIRA_ADMIN], (caller, payload) =>
    exportPage(payload.cursor, caller.now),
  ),
  'data/import': resolver('data/import', [JIRA_ADMIN], async (_caller, payload) => {
    const problems = checkDocument(payload.document);
    if (problems.length === 0) problems.push(...(await checkEvidenceParts(payload.document)));
    if (problems.length > 0) {
      const shown = problems.slice(0, 20);
      return fail(
        'invalid-input',
        `The document was not imported: ${shown.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        { fields: shown },
      );
    }
    try {
      return await importDocument(payload.document, {
        dryRun: payload.dryRun ?? true,
        replace: payload.replace ?? false,
      });
    } catch (error) {
      if (error instanceof ImportInterruptedError) {
        return fail('internal', error.message, {
          imported: error.imported,
          failed: error.failed,
          putBack: error.putBack,
          notStarted: error.notStarted,
        });
      }
      throw error;
    }
  }),
};
