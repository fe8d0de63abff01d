import {
  CREATED,
  dedupeKeyOf,
  enteredSprints,
  IssueEventSchema,
  isSprintEntry,
  UPDATED,
} from '../../src/enforcement/sprint-guard-event';

/**
 * Reading Jira's issue events: which sprints an update put the issue in (the Sprint change's
 * `to` minus its `from`), which events can mean a sprint entry, and one key per event so that a
 * redelivery is recognised.
 */
const event = (more: Record<string, unknown> = {}) =>
  IssueEventSchema.parse({
    eventType: UPDATED,
    issue: { id: 10001, key: 'DT-1', fields: { project: { id: '10000', key: 'DT' } } },
    ...more,
  });
const sprintChange = (from: string | null, to: string | null, field = 'Sprint') => ({
  changelog: { id: 501, items: [{ field, fieldId: 'customfield_10020', from, to }] },
});

describe('the sprints an update put the issue in', () => {
  it('are those in `to` and not in `from`', () => {
    expect(enteredSprints(event(sprintChange('3', '3, 7')))).toEqual([7]);
    expect(enteredSprints(event(sprintChange(null, '4,5')))).toEqual([4, 5]);
  });

  it('are none when it left a sprint, or when another field changed', () => {
    expect(enteredSprints(event(sprintChange('3, 7', '3')))).toEqual([]);
    expect(enteredSprints(event(sprintChange(null, '4', 'Labels')))).toEqual([]);
    expect(enteredSprints(event())).toEqual([]);
  });

  it('ignore what is not a sprint id', () => {
    expect(enteredSprints(event(sprintChange('', ' 8 , x, 0, -2, 2.5')))).toEqual([8]);
  });
});

describe('an event that can mean a sprint entry', () => {
  it('is any creation, and an update that names a sprint entered', () => {
    expect(isSprintEntry(event({ eventType: CREATED }))).toBe(true);
    expect(isSprintEntry(event(sprintChange('', '7')))).toBe(true);
    expect(isSprintEntry(event({ ...sprintChange('', '7'), eventType: undefined }))).toBe(true);
  });

  it('is not an update without one, nor another kind of event', () => {
    expect(isSprintEntry(event(sprintChange('7', '')))).toBe(false);
    expect(
      isSprintEntry(event({ ...sprintChange('', '7'), eventType: 'avi:jira:deleted:issue' })),
    ).toBe(false);
  });
});

describe('the key of an event', () => {
  it('is the issue and its changelog entry, or its creation', () => {
    expect(dedupeKeyOf(event(sprintChange('', '7')))).toBe('10001:501');
    expect(dedupeKeyOf(event({ eventType: CREATED, ...sprintChange('', '7') }))).toBe(
      '10001:created',
    );
  });

  it('is a hash of the event without a changelog id: the same for a redelivery, another for another event', () => {
    const first = dedupeKeyOf(event({ timestamp: 1, changelog: { items: [] } }));
    expect(first).toMatch(/^10001:h[0-9a-f]{32}$/);
    expect(dedupeKeyOf(event({ timestamp: 1, changelog: { items: [] } }))).toBe(first);
    expect(dedupeKeyOf(event({ timestamp: 2, changelog: { items: [] } }))).not.toBe(first);
    expect(dedupeKeyOf(event({ timestamp: 1 }))).not.toBe(first);
  });

  it('refuses an event whose issue id is not an id', () => {
    expect(
      IssueEventSchema.safeParse({
        issue: { id: 'DT-1', key: 'DT-1', fields: { project: { id: '1', key: 'DT' } } },
      }).success,
    ).toBe(false);
  });
});
