import type { PayloadOf, ResolverKey, ResultOf } from '@contract/bridge-contract';

/**
 * Where the evidence log and promote send their writes: the issue panel's keys (the issue is
 * Forge's context), or an idea of a connected Jira Product Discovery space from the project page
 * (`jpd/idea/*`, the payload names the idea). One component, two sets of keys.
 */

type Run = <K extends ResolverKey>(
  key: K,
  payload: PayloadOf<K>,
) => Promise<{ ok: true; data: ResultOf<K> } | { ok: false }>;

type Entry = PayloadOf<'evidence/add'>['entry'];
type Decision = PayloadOf<'evidence/decide'>;
type Items = PayloadOf<'promote/run'>;

/** The idea the calls are about, when not the panel's own issue. */
export type IdeaTarget = { ideaKey: string } | undefined;

export function evidenceCalls(run: Run, target: IdeaTarget) {
  if (target) {
    const { ideaKey } = target;
    return {
      add: (entry: Entry) => run('jpd/idea/evidence/add', { ideaKey, entry }),
      update: (id: string, entry: Entry) => run('jpd/idea/evidence/update', { ideaKey, id, entry }),
      remove: (id: string) => run('jpd/idea/evidence/remove', { ideaKey, id }),
      restore: (id: string) => run('jpd/idea/evidence/restore', { ideaKey, id }),
      decide: (decision: Decision) => run('jpd/idea/evidence/decide', { ideaKey, ...decision }),
    };
  }
  return {
    add: (entry: Entry) => run('evidence/add', { entry }),
    update: (id: string, entry: Entry) => run('evidence/update', { id, entry }),
    remove: (id: string) => run('evidence/remove', { id }),
    restore: (id: string) => run('evidence/restore', { id }),
    decide: (decision: Decision) => run('evidence/decide', decision),
  };
}

export function promoteCalls(run: Run, target: IdeaTarget) {
  return {
    run: (items: Items) =>
      target ? run('jpd/idea/promote/run', { ...target, ...items }) : run('promote/run', items),
  };
}
