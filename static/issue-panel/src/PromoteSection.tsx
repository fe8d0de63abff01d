import Button from '@atlaskit/button/new';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import { callResolver } from '@ui/bridge-client';
import { localizeDates } from '@ui/dates';
import { useRef, useState } from 'react';
import { useAction } from './actions';
import { promoteCalls, type IdeaTarget } from './evidence-calls';
import {
  checkItem,
  criteriaOf,
  itemsFromDraft,
  PromoteConfirmation,
  PromoteItemsForm,
  type ItemForm,
  type PromoteDraft,
} from './PromoteForm';

/**
 * Promote to delivery on the issue panel and, for an idea of a connected JPD space, on the
 * project page: draft, form, review, create, then the created keys.
 */

type Stage = 'closed' | 'loading' | 'editing' | 'confirming';

function payloadOf(item: ItemForm) {
  const estimate = item.estimate.trim();
  return {
    summary: item.summary.trim(),
    ...(item.typeId ? { issueTypeId: item.typeId } : {}),
    ...(estimate !== '' ? { estimate: Number(estimate) } : {}),
    acceptanceCriteria: criteriaOf(item),
  };
}

/**
 * Promote to delivery: the form from the draft, a review, then the items are created. On the
 * issue panel for its own issue; on the project page for an idea of a connected JPD space
 * (`idea`), where `onPromoted` lets the page load its overview again.
 */
export function PromoteSection(props: {
  promotion: { allowed: boolean; reasons: readonly string[] } | null;
  reload: () => Promise<void>;
  onOpen: (key: string) => void;
  idea?: IdeaTarget;
}) {
  const action = useAction(props.reload);
  const [created, setCreated] = useState<{ keys: string[]; message: string } | null>(null);
  const [stage, setStage] = useState<Stage>('closed');
  const [draft, setDraft] = useState<PromoteDraft | null>(null);
  const [items, setItems] = useState<ItemForm[]>([]);
  const [tried, setTried] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  // One id per reviewed submission that the server has not answered in full: a repeated request
  // (a double click, a retry) gets the first one's answer instead of new items.
  const requestId = useRef(newRequestId());
  const errors = items.map(checkItem);
  const open = async () => {
    setStage('loading');
    setLoadError(null);
    action.clearError();
    const result = props.idea
      ? await callResolver('jpd/idea/promote/draft', props.idea)
      : await callResolver('promote/draft', {});
    if (!result.ok) {
      setLoadError(result.error.message);
      setStage('closed');
      return;
    }
    setDraft(result.data);
    setItems(itemsFromDraft(result.data));
    setTried(false);
    setStage('editing');
  };
  const review = () => {
    setTried(true);
    if (errors.some((e) => Object.keys(e).length > 0)) return;
    setStage('confirming');
  };
  const confirm = async () => {
    const result = await promoteCalls(action.run, props.idea).run({
      items: items.map(payloadOf),
      requestId: requestId.current,
    });
    if (!result.ok) return;
    const data = result.data;
    if (data.outcome === 'complete') requestId.current = newRequestId();
    setCreated({ keys: data.created.map((c) => c.key), message: data.message });
    setStage('closed');
  };
  const promotion = props.promotion;
  if (!promotion) return null;
  return (
    <Stack space="space.100" testId="promote">
      {promotion.allowed ? (
        <>
          {(stage === 'closed' || stage === 'loading') && (
            <Inline>
              <Button
                appearance="primary"
                isDisabled={stage === 'loading'}
                onClick={() => void open()}
              >
                {stage === 'loading' ? 'Preparing…' : 'Promote to delivery'}
              </Button>
            </Inline>
          )}
          {stage === 'editing' && draft && (
            <PromoteItemsForm
              draft={draft}
              items={items}
              errors={tried ? errors : []}
              onChange={setItems}
              onReview={review}
              onCancel={() => setStage('closed')}
            />
          )}
          {stage === 'confirming' && draft && (
            <PromoteConfirmation
              draft={draft}
              items={items}
              busy={action.busy}
              onConfirm={() => void confirm()}
              onBack={() => setStage('editing')}
            />
          )}
        </>
      ) : (
        <Stack space="space.050" testId="promote-blocked">
          <Text as="p" color="color.text.subtle">
            Promote to delivery is not available yet:
          </Text>
          <ul className="dt-list">
            {promotion.reasons.map((reason) => (
              <li key={reason}>
                <Text color="color.text.subtle">{reason}</Text>
              </li>
            ))}
          </ul>
        </Stack>
      )}
      {(action.error ?? loadError) && (
        <SectionMessage appearance="error" title="Not promoted">
          <Text as="p" testId="promote-error">
            {action.error ?? loadError}
          </Text>
        </SectionMessage>
      )}
      {created && (
        <SectionMessage appearance="success" title="Promoted to delivery">
          <Stack space="space.050">
            <Text as="p" testId="promote-result">
              {localizeDates(created.message)}
            </Text>
            <Inline space="space.100">
              {created.keys.map((key) => (
                <Button
                  key={key}
                  appearance="subtle"
                  spacing="compact"
                  onClick={() => props.onOpen(key)}
                >
                  Open {key}
                </Button>
              ))}
            </Inline>
          </Stack>
        </SectionMessage>
      )}
    </Stack>
  );
}

function newRequestId(): string {
  return globalThis.crypto.randomUUID();
}
