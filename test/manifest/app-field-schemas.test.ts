import { DEFAULT_CONFIG } from '../../src/domain/config';
import { EVIDENCE_TYPES, type ScopedOutcome } from '../../src/domain/track';
import { summaryValue, type EvidenceEntry } from '../../src/domain/evidence-log';
import { ScopedOutcomeValueSchema } from '../../src/items/scoped-outcome-field';
import { modulesOf, readManifest } from './lint-harness';

/**
 * The object fields' JQL is only as good as their schema: `"Discovery evidence".interviews >= 3`
 * and `"Scoped outcome".TimeboxDays > 3` work when every key the app writes is a schema property
 * with a search alias of the right type, and no other key can be stored
 * (`additionalProperties: false`).
 */

interface PropertySchema {
  type?: string;
  searchAlias?: string;
}
interface FieldModule {
  key: string;
  type: string;
  schema?: { properties?: Record<string, PropertySchema>; additionalProperties?: unknown };
}

const fields = modulesOf(readManifest(), 'jira:customField') as unknown as FieldModule[];
function schemaOf(key: string) {
  const field = fields.find((f) => f.key === key);
  if (!field) throw new Error(`manifest.yml has no jira:customField "${key}"`);
  expect(field.type).toBe('object');
  const properties = field.schema?.properties;
  if (!properties) throw new Error(`"${key}" declares no schema properties`);
  return { properties, additionalProperties: field.schema?.additionalProperties };
}

/** Whether a written value fits the declared type (`date`: yyyy-mm-dd; null clears a key). */
function fits(value: unknown, type: string | undefined): boolean {
  if (value === null) return true;
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    default:
      return false;
  }
}

describe('Discovery evidence: the schema is what the evidence summary writes', () => {
  const { properties, additionalProperties } = schemaOf('discovery-evidence');
  const entries: EvidenceEntry[] = EVIDENCE_TYPES.map((type, i) => ({
    id: `e${i + 1}`,
    type,
    date: `2026-10-0${i + 1}`,
    summary: `A ${type}`,
    positive: true,
    recordedBy: 'user-member',
    recordedAt: '2026-10-10T09:00:00.000Z',
  }));
  const written = summaryValue(
    { nextEntry: entries.length + 1, entries, invalidated: null },
    DEFAULT_CONFIG.validation,
  );
  const empty = summaryValue(
    { nextEntry: 1, entries: [], invalidated: null },
    DEFAULT_CONFIG.validation,
  );

  it('has exactly the keys summaryValue writes, and refuses any other', () => {
    expect(Object.keys(properties).sort()).toEqual(Object.keys(written).sort());
    expect(additionalProperties).toBe(false);
  });

  it('each key is searchable under its own name, with the type of the value written', () => {
    for (const value of [written, empty]) {
      for (const [key, v] of Object.entries(value)) {
        expect([key, properties[key]?.searchAlias]).toEqual([key, key]);
        expect([key, fits(v, properties[key]?.type)]).toEqual([key, true]);
      }
    }
    // `"Discovery evidence".interviews >= 3` compares numbers.
    expect(properties['interviews']?.type).toBe('integer');
    expect(written.interviews).toBe(1);
  });
});

describe('Scoped outcome: the schema is what the editor writes and the gate reads', () => {
  const { properties, additionalProperties } = schemaOf('scoped-outcome');
  // Every key of the domain's ScopedOutcome, the type the editor submits (tsc fails when one is
  // added or removed without this list).
  const keys = {
    outcome: 'string',
    successMeasure: 'string',
    timeboxDays: 'integer',
    targetDate: 'date',
  } as const satisfies Record<keyof Required<ScopedOutcome>, string>;

  it('has exactly the keys of a scoped outcome, the ones the reader parses, and no other', () => {
    expect(Object.keys(properties).sort()).toEqual(Object.keys(keys).sort());
    expect(Object.keys(ScopedOutcomeValueSchema.shape).sort()).toEqual(Object.keys(keys).sort());
    expect(additionalProperties).toBe(false);
  });

  it('each key has its type and a unique search alias (e.g. "Scoped outcome".TimeboxDays)', () => {
    for (const [key, type] of Object.entries(keys)) {
      expect([key, properties[key]?.type]).toEqual([key, type]);
    }
    const aliases = Object.values(properties).map((p) => p.searchAlias);
    expect(aliases).toEqual(['Outcome', 'SuccessMeasure', 'TimeboxDays', 'TargetDate']);
    expect(new Set(aliases).size).toBe(aliases.length);
  });
});
