import {
  heading,
  paragraph,
  text,
  type AdfTextBlock as AdfBlock,
  type AdfTextDoc as AdfDoc,
} from './adf';
import type { Config } from './config';
import { checkWorkOutcome, describeOutcomeProblem, isIsoDate } from './readiness';
import { timeboxRange } from './spike-timebox';
import type { ScopedOutcome } from './track';
import {
  pickableTemplates,
  TEMPLATE_SHAPES,
  templateOf,
  type DiscoveryTemplate,
  type TemplateKind,
  type TemplateShape,
} from './discovery-templates';

/** Filling a discovery template: the answers checked and turned into a description and outcome. */

export type { AdfDoc };

export interface FillInput {
  templateId: string;
  summary: string;
  /** Section id → what was written (days and dates as text, as typed). */
  answers: Record<string, string>;
  /** For an idea: the press release and FAQ sections, when added. */
  pressRelease?: Record<string, string> | undefined;
}

export interface FieldProblem {
  path: string;
  message: string;
}

export interface FilledItem {
  template: DiscoveryTemplate;
  kind: TemplateKind;
  summary: string;
  description: AdfDoc;
  /** For spikes and enablers: the Scoped outcome the item is created with. */
  scopedOutcome?: ScopedOutcome;
  withPressRelease: boolean;
}

export type FillResult =
  | { ok: true; item: FilledItem }
  | { ok: false; code: 'not-found' | 'invalid-input'; message: string; problems: FieldProblem[] };

const paragraphs = (value: string): AdfBlock[] =>
  value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => paragraph(text(line)));

const MAX_ANSWER = 4000;

interface SectionAnswers {
  blocks: AdfBlock[];
  outcome: ScopedOutcome;
}

function readSections(
  template: DiscoveryTemplate,
  answers: Record<string, string>,
  root: string,
  config: Pick<Config, 'spike'>,
  problems: FieldProblem[],
): SectionAnswers {
  const shape = TEMPLATE_SHAPES[template.id];
  const known = new Set(template.sections.map((s) => s.id));
  for (const id of Object.keys(answers)) {
    if (!known.has(id)) {
      problems.push({
        path: `${root}.${id}`,
        message: `the ${template.name} template has no section "${id}"`,
      });
    }
  }
  const blocks: AdfBlock[] = [];
  const outcome: ScopedOutcome = {};
  for (const s of template.sections) {
    const own = shape.sections[s.id];
    const raw = Object.prototype.hasOwnProperty.call(answers, s.id) ? answers[s.id] : undefined;
    const value = (raw ?? '').trim();
    const path = `${root}.${s.id}`;
    const required = s.required || own?.locked === true;
    if (value === '') {
      if (required) problems.push({ path, message: `${s.heading} is required` });
      continue;
    }
    if (value.length > MAX_ANSWER) {
      problems.push({ path, message: `${s.heading} must be at most ${MAX_ANSWER} characters` });
      continue;
    }
    let shown = value;
    if (own?.input === 'days') {
      const days = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
      const { min, max } = timeboxRange(template.id === 'spike', config.spike.maxTimeboxDays);
      if (!Number.isInteger(days) || days < min || days > max) {
        problems.push({
          path,
          message:
            template.id === 'spike'
              ? `${s.heading} must be a whole number of days from 1 to ${max} (the longest spike timebox allowed)`
              : `${s.heading} must be a whole number of days from 1 to ${max}`,
        });
        continue;
      }
      shown = days === 1 ? '1 day' : `${days} days`;
      outcome.timeboxDays = days;
    } else if (own?.input === 'date') {
      if (!isIsoDate(value)) {
        problems.push({ path, message: `${s.heading} must be a date like 2026-11-20` });
        continue;
      }
      outcome.targetDate = value;
    } else if (own?.role === 'outcome') outcome.outcome = value;
    else if (own?.role === 'successMeasure') outcome.successMeasure = value;
    blocks.push(heading(3, s.heading), ...paragraphs(shown));
  }
  return { blocks, outcome };
}

/**
 * Checks what a person filled in against the template and builds the new item: summary,
 * description (Atlassian Document Format: each filled section under its heading) and, for a
 * spike or an enabler, the Scoped outcome. Every problem is reported at once, by payload path.
 */
export function fillTemplate(
  templates: readonly DiscoveryTemplate[],
  input: FillInput,
  config: Pick<Config, 'spike' | 'scopedOutcome'>,
): FillResult {
  const template = templateOf(templates, input.templateId);
  const pickable = pickableTemplates(templates).map((t) => t.id);
  if (!template || !pickable.includes(template.id)) {
    const message = `There is no discovery template "${input.templateId}" to create an item from: the templates are ${pickable.join(', ')}.`;
    return {
      ok: false,
      code: template ? 'invalid-input' : 'not-found',
      message: template
        ? `The ${template.name} template is added to an idea, not created on its own: pick the idea template and add it there.`
        : message,
      problems: [{ path: 'templateId', message: template ? 'is added to an idea' : message }],
    };
  }
  const shape = TEMPLATE_SHAPES[template.id];
  const summary = input.summary.trim();
  const problems: FieldProblem[] = summaryProblems(summary);
  const main = readSections(template, input.answers, 'answers', config, problems);
  const blocks = [...main.blocks];
  let withPressRelease = false;
  if (input.pressRelease !== undefined) {
    const attachment = templates.find((t) => TEMPLATE_SHAPES[t.id].attachesTo === template.id);
    if (!attachment) {
      problems.push({
        path: 'pressRelease',
        message: `a press release and FAQ can be added to an idea only, not to a ${template.name.toLowerCase()}`,
      });
    } else {
      const pr = readSections(attachment, input.pressRelease, 'pressRelease', config, problems);
      blocks.push(heading(2, attachment.name), ...pr.blocks);
      withPressRelease = true;
    }
  }
  const scopedOutcome =
    shape.kind === 'spike' || shape.kind === 'enabler'
      ? outcomeOf(shape, main.outcome, config, problems)
      : undefined;
  if (problems.length > 0) {
    return {
      ok: false,
      code: 'invalid-input',
      message: problems.map((p) => `${p.path}: ${p.message}`).join('; '),
      problems,
    };
  }
  blocks.push(paragraph(text(`Created from the Dual Track template "${template.name}".`)));
  return {
    ok: true,
    item: {
      template,
      kind: shape.kind,
      summary,
      description: { type: 'doc', version: 1, content: blocks },
      ...(scopedOutcome ? { scopedOutcome } : {}),
      withPressRelease,
    },
  };
}

function summaryProblems(summary: string): FieldProblem[] {
  if (summary === '') return [{ path: 'summary', message: 'the summary is required' }];
  if (summary.length > 255) {
    return [{ path: 'summary', message: 'the summary must be at most 255 characters' }];
  }
  if (/[\r\n]/.test(summary)) return [{ path: 'summary', message: 'the summary must be one line' }];
  return [];
}

/**
 * The scoped outcome of a spike or an enabler from its answers: an enabler needs one bound, and
 * the item must be created ready for the enabler gate (the same rules, the same words).
 */
function outcomeOf(
  shape: TemplateShape,
  o: SectionAnswers['outcome'],
  config: Pick<Config, 'scopedOutcome' | 'spike'>,
  problems: FieldProblem[],
): ScopedOutcome {
  const boundPaths = ['answers.timebox-days', 'answers.target-date'];
  if (shape.kind === 'enabler' && !problems.some((p) => boundPaths.includes(p.path))) {
    if (o.timeboxDays === undefined && o.targetDate === undefined) {
      problems.push({
        path: 'answers.timebox-days',
        message: 'give the enabler a bound: a timebox in days or a target date',
      });
    } else if (o.timeboxDays !== undefined && o.targetDate !== undefined) {
      problems.push({
        path: 'answers.target-date',
        message: 'give a timebox in days or a target date, not both',
      });
    }
  }
  const scopedOutcome: ScopedOutcome = {
    outcome: o.outcome,
    successMeasure:
      shape.kind === 'spike' && o.successMeasure
        ? `Decision it informs: ${o.successMeasure}`
        : o.successMeasure,
    ...(o.timeboxDays === undefined ? {} : { timeboxDays: o.timeboxDays }),
    ...(o.targetDate === undefined ? {} : { targetDate: o.targetDate }),
  };
  if (problems.length === 0) {
    for (const p of checkWorkOutcome(shape.kind === 'spike', scopedOutcome, config).problems) {
      const sectionId = Object.entries(shape.sections).find(([, s]) => s.role === p.part)?.[0];
      problems.push({
        path: `answers.${sectionId ?? (shape.kind === 'spike' ? 'timebox' : 'timebox-days')}`,
        message: describeOutcomeProblem(p),
      });
    }
  }
  return scopedOutcome;
}
