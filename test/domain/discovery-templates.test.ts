import { DEFAULT_CONFIG } from '../../src/domain/config';
import {
  BUILT_IN_TEMPLATES,
  TemplatesSchema,
  type DiscoveryTemplate,
} from '../../src/domain/discovery-templates';
import { fillTemplate, type FillInput } from '../../src/domain/template-fill';

/** Domain rules of the discovery item templates: what admins may save, and filling one in. */

const templates = (): DiscoveryTemplate[] => structuredClone([...BUILT_IN_TEMPLATES]);
const config = DEFAULT_CONFIG;

const SPIKE: FillInput = {
  templateId: 'spike',
  summary: 'Cache for sessions',
  answers: {
    question: 'Can Postgres serve session lookups under 20 ms at twice the load?',
    timebox: '2',
    decision: 'Whether we buy a managed Redis this quarter',
  },
};
const ENABLER: FillInput = {
  templateId: 'enabler',
  summary: 'Event store for orders',
  answers: {
    outcome: 'Orders are written to an event store that replays in order per customer',
    'success-measure': 'Replay of 1M events under 5 minutes',
    'target-date': '2026-12-18',
  },
};

function problemsOf(input: FillInput, list = templates()) {
  const result = fillTemplate(list, input, config);
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

describe('saving templates (TemplatesSchema)', () => {
  it('accepts the built-ins and edited words', () => {
    const edited = templates();
    edited[0]!.sections[0]!.heading = 'Customer problem';
    edited[0]!.sections[3]!.required = true;
    expect(TemplatesSchema.safeParse(edited).success).toBe(true);
  });

  it.each([
    [
      'a missing template',
      (t: DiscoveryTemplate[]) => t.slice(0, 3),
      '',
      /must hold the templates idea, spike, enabler, press-release/,
    ],
    [
      'an added section',
      (t: DiscoveryTemplate[]) => {
        t[0]!.sections.push({ id: 'extra', heading: 'Extra', hint: '', required: false });
        return t;
      },
      '0.sections',
      /sections cannot be added, removed or reordered/,
    ],
    [
      'an empty heading',
      (t: DiscoveryTemplate[]) => {
        t[1]!.sections[2]!.heading = '  ';
        return t;
      },
      '1.sections.2.heading',
      /the heading is required/,
    ],
    [
      'a spike question made optional',
      (t: DiscoveryTemplate[]) => {
        t[1]!.sections[0]!.required = false;
        return t;
      },
      '1.sections.0.required',
      /fills the spike's Scoped outcome, so it is always required/,
    ],
    [
      'a two-line name',
      (t: DiscoveryTemplate[]) => {
        t[2]!.name = 'Enabler\nwork';
        return t;
      },
      '2.name',
      /the name must be one line/,
    ],
  ])('refuses %s, naming the path', (_what, change, path, message) => {
    const parsed = TemplatesSchema.safeParse(change(templates()));
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toMatch(message);
  });
});

describe('filling a template in', () => {
  it('builds an idea: summary, headings with the text, no scoped outcome', () => {
    const result = fillTemplate(
      templates(),
      {
        templateId: 'idea',
        summary: '  Reorder from history ',
        answers: {
          problem: 'Customers retype their weekly order\nevery single week',
          'target-users': 'Weekly shoppers',
          hypothesis: 'A reorder button halves checkout time',
        },
      },
      config,
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.item.kind).toBe('idea');
    expect(result.item.summary).toBe('Reorder from history');
    expect(result.item.scopedOutcome).toBeUndefined();
    const blocks = result.item.description.content;
    expect(blocks.slice(0, 3)).toEqual([
      { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Problem' }] },
      {
        type: 'paragraph',
        content: [{ type: 'text', text: 'Customers retype their weekly order' }],
      },
      { type: 'paragraph', content: [{ type: 'text', text: 'every single week' }] },
    ]);
    // The optional evidence plan was left out: no empty heading for it.
    expect(JSON.stringify(blocks)).not.toContain('Evidence plan');
  });

  it('adds the press release and FAQ to an idea under its own heading', () => {
    const result = fillTemplate(
      templates(),
      {
        templateId: 'idea',
        summary: 'Reorder',
        answers: { problem: 'p', 'target-users': 'u', hypothesis: 'h' },
        pressRelease: { headline: 'Reorder in one tap', 'press-release': 'Today we launch…' },
      },
      config,
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.item.withPressRelease).toBe(true);
    const texts = result.item.description.content.map((b) => `${b.type}:${b.content[0]?.text}`);
    expect(texts).toContain('heading:Working backwards: press release and FAQ');
    expect(texts).toContain('heading:Headline');
    expect(texts).toContain('paragraph:Reorder in one tap');
  });

  it('gives a spike its scoped outcome: question, decision, timebox', () => {
    const result = fillTemplate(templates(), SPIKE, config);
    if (!result.ok) throw new Error(result.message);
    expect(result.item.scopedOutcome).toEqual({
      outcome: SPIKE.answers['question'],
      successMeasure: 'Decision it informs: Whether we buy a managed Redis this quarter',
      timeboxDays: 2,
    });
    expect(JSON.stringify(result.item.description)).toContain('"2 days"');
  });

  it('gives an enabler its scoped outcome with a target date as the bound', () => {
    const result = fillTemplate(templates(), ENABLER, config);
    if (!result.ok) throw new Error(result.message);
    expect(result.item.scopedOutcome).toEqual({
      outcome: ENABLER.answers['outcome'],
      successMeasure: 'Replay of 1M events under 5 minutes',
      targetDate: '2026-12-18',
    });
  });

  it('refuses a spike timebox above the configured maximum', () => {
    const refused = problemsOf({ ...SPIKE, answers: { ...SPIKE.answers, timebox: '4' } });
    expect(refused.problems).toEqual([
      {
        path: 'answers.timebox',
        message:
          'Timebox (days) must be a whole number of days from 1 to 3 (the longest spike timebox allowed)',
      },
    ]);
    const roomier = { ...config, spike: { ...config.spike, maxTimeboxDays: 5 } };
    expect(
      fillTemplate(templates(), { ...SPIKE, answers: { ...SPIKE.answers, timebox: '4' } }, roomier)
        .ok,
    ).toBe(true);
  });

  it('refuses an enabler without a bound, or with both, and a vague outcome', () => {
    const unbound = Object.fromEntries(
      Object.entries(ENABLER.answers).filter(([id]) => id !== 'target-date'),
    );
    expect(problemsOf({ ...ENABLER, answers: unbound }).problems).toEqual([
      {
        path: 'answers.timebox-days',
        message: 'give the enabler a bound: a timebox in days or a target date',
      },
    ]);
    expect(
      problemsOf({ ...ENABLER, answers: { ...ENABLER.answers, 'timebox-days': '10' } }).problems,
    ).toEqual([
      { path: 'answers.target-date', message: 'give a timebox in days or a target date, not both' },
    ]);
    const vague = problemsOf({ ...ENABLER, answers: { ...ENABLER.answers, outcome: 'TBD' } });
    expect(vague.problems[0]?.path).toBe('answers.outcome');
    expect(vague.problems[0]?.message).toMatch(/placeholder/);
  });

  it('names every missing required section, the summary and unknown sections at once', () => {
    const refused = problemsOf({
      templateId: 'idea',
      summary: ' ',
      answers: { problem: 'p', nonsense: 'x' },
    });
    expect(refused.code).toBe('invalid-input');
    expect(refused.problems.map((p) => p.path).sort()).toEqual([
      'answers.hypothesis',
      'answers.nonsense',
      'answers.target-users',
      'summary',
    ]);
  });

  it('follows an admin edit: a section made optional is no longer required', () => {
    const edited = templates();
    edited[0]!.sections[2]!.required = false;
    const result = fillTemplate(
      edited,
      { templateId: 'idea', summary: 'x', answers: { problem: 'p', 'target-users': 'u' } },
      config,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses an unknown template, the press release on its own, and on a spike', () => {
    expect(problemsOf({ ...SPIKE, templateId: 'epic' })).toMatchObject({
      code: 'not-found',
      message:
        'There is no discovery template "epic" to create an item from: the templates are idea, spike, enabler.',
    });
    expect(problemsOf({ ...SPIKE, templateId: 'press-release' }).code).toBe('invalid-input');
    expect(problemsOf({ ...SPIKE, pressRelease: { headline: 'x' } }).problems).toEqual([
      {
        path: 'pressRelease',
        message: 'a press release and FAQ can be added to an idea only, not to a spike',
      },
    ]);
  });
});
