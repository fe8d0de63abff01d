import { z } from 'zod';

/**
 * Templates for new discovery items: what an idea, a spike and an enabler must say when they are
 * created, and the optional "working backwards" press release and FAQ a larger idea can carry.
 * More: docs/internals.md#domain-discovery-templates-ts.
 */

export const TEMPLATE_KINDS = ['idea', 'spike', 'enabler'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const TEMPLATE_IDS = ['idea', 'spike', 'enabler', 'press-release'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export type SectionInput = 'text' | 'days' | 'date';
/** The Scoped outcome part a section fills (spikes and enablers only). */
export type OutcomeRole = 'outcome' | 'successMeasure' | 'timeboxDays' | 'targetDate';

/** What an admin can change in a section. */
export interface TemplateSection {
  id: string;
  heading: string;
  hint: string;
  required: boolean;
}

/** What an admin can change in a template. */
export interface DiscoveryTemplate {
  id: TemplateId;
  name: string;
  description: string;
  sections: TemplateSection[];
}

/** What only the app decides about a section. */
interface SectionShape {
  input: SectionInput;
  role?: OutcomeRole;
  /** Always required, whatever the admin says. */
  locked?: boolean;
}

export interface TemplateShape {
  kind: TemplateKind;
  /** A template that is not created on its own but added to an item of this template. */
  attachesTo?: TemplateId;
  sections: Record<string, SectionShape>;
}

export const TEMPLATE_SHAPES: Readonly<Record<TemplateId, TemplateShape>> = {
  idea: {
    kind: 'idea',
    sections: {
      problem: { input: 'text' },
      'target-users': { input: 'text' },
      hypothesis: { input: 'text' },
      'evidence-plan': { input: 'text' },
    },
  },
  spike: {
    kind: 'spike',
    sections: {
      question: { input: 'text', role: 'outcome', locked: true },
      timebox: { input: 'days', role: 'timeboxDays', locked: true },
      decision: { input: 'text', role: 'successMeasure', locked: true },
    },
  },
  enabler: {
    kind: 'enabler',
    sections: {
      outcome: { input: 'text', role: 'outcome', locked: true },
      'success-measure': { input: 'text', role: 'successMeasure', locked: true },
      // The bound: one of the two (checked on the item, not per section).
      'timebox-days': { input: 'days', role: 'timeboxDays' },
      'target-date': { input: 'date', role: 'targetDate' },
    },
  },
  'press-release': {
    kind: 'idea',
    attachesTo: 'idea',
    sections: {
      headline: { input: 'text' },
      'press-release': { input: 'text' },
      'customer-quote': { input: 'text' },
      faq: { input: 'text' },
    },
  },
};

const section = (id: string, heading: string, hint: string, required: boolean) => ({
  id,
  heading,
  hint,
  required,
});

export const BUILT_IN_TEMPLATES: readonly DiscoveryTemplate[] = [
  {
    id: 'idea',
    name: 'Idea',
    description: 'An opportunity to validate with customers before anything is built.',
    sections: [
      section('problem', 'Problem', 'What problem do customers have, in their words?', true),
      section('target-users', 'Target users', 'Who has this problem? Be specific.', true),
      section(
        'hypothesis',
        'Hypothesis',
        'We believe that … for … will result in … We will know we are right when …',
        true,
      ),
      section(
        'evidence-plan',
        'Evidence plan',
        'How will we learn whether it is true: interviews, usability tests, experiments?',
        false,
      ),
    ],
  },
  {
    id: 'spike',
    name: 'Spike',
    description: 'A timeboxed technical investigation that answers one question.',
    sections: [
      section('question', 'Question', 'The one question this spike answers.', true),
      section(
        'timebox',
        'Timebox (days)',
        'Whole working days, at most the allowed maximum.',
        true,
      ),
      section(
        'decision',
        'Decision it informs',
        'What will we decide with the answer, and who decides?',
        true,
      ),
    ],
  },
  {
    id: 'enabler',
    name: 'Enabler',
    description: 'Technical work that enables delivery, with a scoped outcome.',
    sections: [
      section('outcome', 'Outcome', 'What this work will produce, concretely.', true),
      section(
        'success-measure',
        'Success measure',
        'How we will know the outcome was reached.',
        true,
      ),
      section('timebox-days', 'Timebox (days)', 'The bound: a timebox in days …', false),
      section('target-date', 'Target date', '… or a target date.', false),
    ],
  },
  {
    id: 'press-release',
    name: 'Working backwards: press release and FAQ',
    description:
      'For larger ideas: the announcement we would make at launch, written before building.',
    sections: [
      section('headline', 'Headline', 'The launch headline a customer would understand.', true),
      section(
        'press-release',
        'Press release',
        'One or two paragraphs: the customer, the problem, how it is solved, why it matters.',
        true,
      ),
      section('customer-quote', 'Customer quote', 'What a happy customer would say.', false),
      section('faq', 'FAQ', 'The hard questions customers and the team will ask, answered.', false),
    ],
  },
];

const oneLine = (max: number, what: string) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} must be at most ${max} characters`)
    .refine((v) => !/[\r\n]/.test(v), { error: `${what} must be one line` });

const TemplateSectionSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z-]{0,39}$/, 'must be a section id like "target-users"'),
    heading: oneLine(80, 'the heading'),
    hint: z
      .string({ error: 'must be text' })
      .trim()
      .max(300, 'the hint must be at most 300 characters'),
    required: z.boolean({ error: 'must be true or false' }),
  })
  .strict();

const TemplateSchema = z
  .object({
    id: z.enum(TEMPLATE_IDS, { error: `must be one of ${TEMPLATE_IDS.join(', ')}` }),
    name: oneLine(60, 'the name'),
    description: z
      .string({ error: 'must be text' })
      .trim()
      .max(300, 'the description must be at most 300 characters'),
    sections: z.array(TemplateSectionSchema).max(10),
  })
  .strict();

/**
 * The templates as admins save them: every built-in template once, in the built-in order, each
 * with its built-in sections in their order. Problems name their path, for the form.
 */
export const TemplatesSchema = z
  .array(TemplateSchema)
  .max(TEMPLATE_IDS.length)
  .superRefine((templates, ctx) => {
    const ids = templates.map((t) => t.id);
    if (ids.join() !== TEMPLATE_IDS.join()) {
      ctx.addIssue({
        code: 'custom',
        message: `must hold the templates ${TEMPLATE_IDS.join(', ')}, once each and in that order (they are ${ids.join(', ') || 'none'})`,
      });
      return;
    }
    templates.forEach((template, t) => {
      const shape = TEMPLATE_SHAPES[template.id];
      const expected = Object.keys(shape.sections);
      const got = template.sections.map((s) => s.id);
      if (got.join() !== expected.join()) {
        ctx.addIssue({
          code: 'custom',
          path: [t, 'sections'],
          message: `the ${template.id} template has the sections ${expected.join(', ')}; sections cannot be added, removed or reordered`,
        });
        return;
      }
      template.sections.forEach((s, i) => {
        if (shape.sections[s.id]?.locked && !s.required) {
          ctx.addIssue({
            code: 'custom',
            path: [t, 'sections', i, 'required'],
            message: `"${s.heading}" fills the ${template.id}'s Scoped outcome, so it is always required`,
          });
        }
      });
    });
  });

/** The template of an id; undefined for anything else (the payload is untrusted). */
export function templateOf(
  templates: readonly DiscoveryTemplate[],
  id: string,
): DiscoveryTemplate | undefined {
  return templates.find((t) => t.id === id);
}

export function shapeOf(id: TemplateId): TemplateShape {
  return TEMPLATE_SHAPES[id];
}

/** Templates a person picks from ("press-release" is added to an idea, not picked). */
export function pickableTemplates(templates: readonly DiscoveryTemplate[]): DiscoveryTemplate[] {
  return templates.filter((t) => !TEMPLATE_SHAPES[t.id].attachesTo);
}

// ---------------------------------------------------------------------------------------------
// Filling a template in.
