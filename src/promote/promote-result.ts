import type { LinkTypeInfo } from '../domain/link-type';
import {
  promotionDone,
  type PromotionClaim,
  type PromotionRecord,
} from '../storage/promotion-store';
import type { CreatedItem, PromoteAnswer, PromoteResult } from './promote-types';

/** How a promotion's record reads as an answer: created, linked, left out, and why. */

/** The stored answer when this request was already answered in full. */
export function answered(
  record: PromotionRecord | undefined,
  requestId: string | undefined,
  discoveryKey: string,
): PromoteAnswer | undefined {
  if (!record || !promotionDone(record) || requestId === undefined) return undefined;
  if (record.requestId !== requestId) return undefined;
  return { ok: true, result: resultOf(record, discoveryKey, undefined, false) };
}

export function busy(discoveryKey: string, claim: PromotionClaim): PromoteAnswer {
  return {
    ok: false,
    code: 'conflict',
    message: `${discoveryKey} is being promoted right now (a request started at ${claim.at}). Nothing more was created; reload the panel in a moment to see the items it creates.`,
  };
}

export function resultOf(
  record: PromotionRecord,
  discoveryKey: string,
  projectKey: string | undefined,
  resumed: boolean,
): PromoteResult {
  const created: CreatedItem[] = record.items.flatMap((i) =>
    i.state === 'created' && i.created
      ? [
          {
            id: i.created.id,
            key: i.created.key,
            summary: i.summary,
            issueTypeId: i.issueTypeId,
            linked: i.linked,
            ...(i.linked ? {} : { linkProblem: i.problem ?? 'not linked yet' }),
          },
        ]
      : [],
  );
  const where = projectKey ?? 'the project';
  const notCreated = record.items.flatMap((i) => {
    if (i.state === 'pending') {
      return [
        { summary: i.summary, reason: i.problem ?? 'not attempted after an earlier failure' },
      ];
    }
    if (i.state === 'sent') {
      return [
        {
          summary: i.summary,
          reason: `the app was stopped while Jira was creating it, so it may exist: look for it in ${where} before promoting it again`,
        },
      ];
    }
    return [];
  });
  const unlinked = created.filter((c) => !c.linked);
  const complete = unlinked.length === 0 && notCreated.length === 0;
  const message = describeResult(discoveryKey, record.linkType, created, unlinked, notCreated);
  const linkType = { id: record.linkType.id, name: record.linkType.name };
  return {
    outcome: complete ? 'complete' : 'partial',
    linkType,
    created,
    notCreated,
    message: resumed ? `Resumed the promotion started at ${record.at}. ${message}` : message,
    resumed,
  };
}

function list(keys: readonly string[]): string {
  if (keys.length <= 1) return keys.join('');
  return `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1] ?? ''}`;
}

function describeResult(
  discoveryKey: string,
  linkType: LinkTypeInfo,
  created: readonly CreatedItem[],
  unlinked: readonly CreatedItem[],
  notCreated: PromoteResult['notCreated'],
): string {
  const how = linkType.outward ?? linkType.name;
  const parts = created.length > 0 ? [`Created ${list(created.map((c) => c.key))}.`] : [];
  const linked = created.filter((c) => c.linked);
  if (linked.length > 0) {
    parts.push(`Linked ${list(linked.map((c) => c.key))} to ${discoveryKey} (${how}).`);
  }
  for (const c of unlinked) {
    parts.push(
      `${c.key} is NOT linked to ${discoveryKey} (${c.linkProblem ?? 'unknown reason'}): link it by hand.`,
    );
  }
  for (const n of notCreated) parts.push(`"${n.summary}" was NOT created (${n.reason}).`);
  return parts.join(' ');
}
