import type { z } from 'zod';
import { readTemplates, resetTemplates, saveTemplates } from '../storage/template-store';
import {
  createFromTemplate,
  TemplateRefusal,
  templatesForProject,
} from '../templates/create-from-template';
import { readProjectContext } from '../storage/project-context';
import type { ResolverGroup } from './all-resolvers';
import { fail, projectOf, resolver, type Requirement } from './resolver-kit';

/**
 * Discovery item templates. `templates/get|save|reset` for the admin page (Jira admins only,
 * checked here: the page module only decides where the UI shows). `templates/list` and
 * `templates/create` for the project page: the project is Forge's context project, never one
 * named in the payload; listing needs Browse projects, creating needs Create issues there too.
 */

const JIRA_ADMIN: Requirement = {
  context: () => ({ kind: 'global' }),
  permissions: ['ADMINISTER'],
  because: "Only Jira admins can see and change Dual Track's discovery templates.",
};

const BROWSE_PROJECT: Requirement = {
  context: (caller) => ({ kind: 'project', projectKey: projectOf(caller).key }),
  permissions: ['BROWSE_PROJECTS'],
  because: 'You need the Browse projects permission in this project to see its Dual Track page.',
};

const CREATE_IN_PROJECT: Requirement = {
  context: (caller) => ({ kind: 'project', projectKey: projectOf(caller).key }),
  permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES'],
  because:
    'You need the Browse projects and Create issues permissions in this project to create a discovery item.',
};

function refuseInvalid(issues: readonly z.core.$ZodIssue[]): never {
  const fields = issues.map((i) => ({
    path: ['templates', ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  return fail(
    'invalid-input',
    fields.map((f) => `${f.path}: ${f.message}`).join('; ') || 'The templates are not valid.',
    { fields },
  );
}

export const templateResolvers: ResolverGroup = {
  'templates/get': resolver('templates/get', [JIRA_ADMIN], () => readTemplates()),
  'templates/save': resolver('templates/save', [JIRA_ADMIN], async (caller, payload) => {
    const result = await saveTemplates({
      templates: payload.templates,
      expectedVersion: payload.expectedVersion,
      accountId: caller.accountId,
      now: caller.now,
    });
    if (result.status === 'invalid') return refuseInvalid(result.issues);
    if (result.status === 'conflict') {
      return fail('conflict', result.message, { current: await readTemplates() });
    }
    return readTemplates();
  }),
  'templates/reset': resolver('templates/reset', [JIRA_ADMIN], async (caller, payload) => {
    const result = await resetTemplates({
      expectedVersion: payload.expectedVersion,
      accountId: caller.accountId,
      now: caller.now,
    });
    if (result.status === 'conflict') {
      return fail('conflict', result.message, { current: await readTemplates() });
    }
    return readTemplates();
  }),
  'templates/list': resolver('templates/list', [BROWSE_PROJECT], (caller) =>
    templatesForProject(caller.jira, projectOf(caller)),
  ),
  // The Scoped outcome field's editor: the rules in force in its project (the gates' rules).
  'outcome/rules': resolver('outcome/rules', [BROWSE_PROJECT], async (caller) => {
    const { config } = await readProjectContext(projectOf(caller).key);
    return { scopedOutcome: config.scopedOutcome, spike: config.spike };
  }),
  'templates/create': resolver('templates/create', [CREATE_IN_PROJECT], async (caller, payload) => {
    try {
      const { requestId, ...input } = payload;
      return await createFromTemplate({
        jira: caller.jira,
        project: projectOf(caller),
        input,
        request:
          requestId === undefined
            ? undefined
            : { accountId: caller.accountId, requestId, now: caller.now },
      });
    } catch (error) {
      if (error instanceof TemplateRefusal) {
        return fail(
          error.code,
          error.message,
          error.problems ? { fields: error.problems } : undefined,
        );
      }
      throw error;
    }
  }),
};
