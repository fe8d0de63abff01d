import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import Select from '@atlaskit/select';
import TextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import type { ResultOf } from '@contract/bridge-contract';
import { useId, type FormEvent } from 'react';

/**
 * The promote form: one or more delivery items, each with a summary, an issue type among the
 * project's delivery types and an estimate, and acceptance criteria (one per line), drafted from
 * the idea. Review lists exactly what will be created before anything is sent.
 */

export type PromoteDraft = ResultOf<'promote/draft'>;

export interface ItemForm {
  key: number;
  summary: string;
  typeId: string | null;
  estimate: string;
  criteria: string;
}

export type ItemErrors = Partial<Record<'summary' | 'typeId' | 'estimate' | 'criteria', string>>;

export function itemsFromDraft(draft: PromoteDraft): ItemForm[] {
  return draft.items.map((item, index) => ({
    key: index,
    summary: item.summary,
    typeId: draft.defaultTypeId,
    estimate: '',
    criteria: item.acceptanceCriteria.join('\n'),
  }));
}

export const criteriaOf = (form: ItemForm) =>
  form.criteria
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** What the server would refuse too (it checks again), per item. */
export function checkItem(form: ItemForm): ItemErrors {
  const errors: ItemErrors = {};
  if (form.summary.trim() === '') errors.summary = 'Write a summary.';
  else if (form.summary.trim().length > 255) errors.summary = 'At most 255 characters.';
  if (!form.typeId) errors.typeId = 'Choose an issue type.';
  const estimate = form.estimate.trim();
  if (estimate !== '' && !(Number(estimate) >= 0 && Number(estimate) <= 1000)) {
    errors.estimate = 'Enter a number from 0 to 1000, or leave it empty.';
  }
  const criteria = criteriaOf(form);
  if (criteria.length > 8) errors.criteria = 'At most 8 criteria.';
  else if (criteria.some((c) => c.length > 300)) errors.criteria = 'Each at most 300 characters.';
  return errors;
}

const itemStyles = xcss({
  borderColor: 'color.border',
  borderStyle: 'solid',
  borderWidth: 'border.width',
  borderRadius: 'radius.small',
  padding: 'space.150',
});

function Message(props: { id: string; error: string | undefined; helper?: string }) {
  return (
    <span id={props.id}>
      {props.error ? (
        <ErrorMessage>{props.error}</ErrorMessage>
      ) : (
        props.helper && <HelperMessage>{props.helper}</HelperMessage>
      )}
    </span>
  );
}

function ItemFields(props: {
  index: number;
  form: ItemForm;
  errors: ItemErrors;
  types: PromoteDraft['deliveryTypes'];
  onChange: (patch: Partial<ItemForm>) => void;
  onRemove: (() => void) | undefined;
}) {
  const id = useId();
  const { form, errors } = props;
  const options = props.types.map((t) => ({ label: t.name, value: t.id }));
  return (
    <Box xcss={itemStyles} testId={`promote-item-${props.index}`}>
      <Stack space="space.100">
        <Inline spread="space-between" alignBlock="center">
          <Heading size="xxsmall" as="h4">
            Item {props.index + 1}
          </Heading>
          {props.onRemove && (
            <Button appearance="subtle" spacing="compact" onClick={props.onRemove}>
              Remove item {props.index + 1}
            </Button>
          )}
        </Inline>
        <div>
          <Label htmlFor={`${id}-summary`}>Summary</Label>
          <Textfield
            id={`${id}-summary`}
            testId={`promote-summary-${props.index}`}
            value={form.summary}
            isInvalid={errors.summary !== undefined}
            aria-describedby={`${id}-summary-message`}
            onChange={(e) => props.onChange({ summary: e.currentTarget.value })}
          />
          <Message id={`${id}-summary-message`} error={errors.summary} />
        </div>
        <div>
          <Label htmlFor={`${id}-type`}>Issue type</Label>
          <Select
            inputId={`${id}-type`}
            options={options}
            value={options.find((o) => o.value === form.typeId) ?? null}
            onChange={(option) => option && props.onChange({ typeId: option.value })}
            isSearchable={false}
            isInvalid={errors.typeId !== undefined}
            aria-describedby={`${id}-type-message`}
          />
          <Message id={`${id}-type-message`} error={errors.typeId} />
        </div>
        <div>
          <Label htmlFor={`${id}-estimate`}>Estimate (story points, optional)</Label>
          <Textfield
            id={`${id}-estimate`}
            testId={`promote-estimate-${props.index}`}
            type="number"
            value={form.estimate}
            isInvalid={errors.estimate !== undefined}
            aria-describedby={`${id}-estimate-message`}
            onChange={(e) => props.onChange({ estimate: e.currentTarget.value })}
          />
          <Message id={`${id}-estimate-message`} error={errors.estimate} />
        </div>
        <div>
          <Label htmlFor={`${id}-criteria`}>Acceptance criteria (one per line)</Label>
          <TextArea
            id={`${id}-criteria`}
            testId={`promote-criteria-${props.index}`}
            minimumRows={4}
            value={form.criteria}
            isInvalid={errors.criteria !== undefined}
            aria-describedby={`${id}-criteria-message`}
            onChange={(e) => props.onChange({ criteria: e.target.value })}
          />
          <Message
            id={`${id}-criteria-message`}
            error={errors.criteria}
            helper="Drafted from the idea’s scoped outcome and evidence: edit them."
          />
        </div>
      </Stack>
    </Box>
  );
}

export function PromoteItemsForm(props: {
  draft: PromoteDraft;
  items: ItemForm[];
  errors: ItemErrors[];
  onChange: (items: ItemForm[]) => void;
  onReview: () => void;
  onCancel: () => void;
}) {
  const { draft, items } = props;
  const update = (index: number, patch: Partial<ItemForm>) =>
    props.onChange(items.map((item, i) => (i === index ? { ...item, ...patch } : item)));
  const add = () =>
    props.onChange([
      ...items,
      {
        key: Math.max(...items.map((i) => i.key)) + 1,
        summary: '',
        typeId: draft.defaultTypeId,
        estimate: '',
        criteria: items[0]?.criteria ?? '',
      },
    ]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onReview();
  };
  return (
    <form noValidate aria-label="Promote to delivery" data-testid="promote-form" onSubmit={submit}>
      <Stack space="space.150">
        <Heading size="xsmall" as="h3">
          What this idea becomes
        </Heading>
        <Stack space="space.050" testId="promote-evidence">
          <Text as="p" color="color.text.subtle">
            Each item’s description carries the scoped outcome, a link back to this idea and its
            evidence
            {draft.evidence.length > 0 ? `: ${draft.evidence.join('; ')}.` : ' (none recorded).'}
          </Text>
        </Stack>
        {items.map((item, index) => (
          <ItemFields
            key={item.key}
            index={index}
            form={item}
            errors={props.errors[index] ?? {}}
            types={draft.deliveryTypes}
            onChange={(patch) => update(index, patch)}
            onRemove={
              items.length > 1
                ? () => props.onChange(items.filter((_, i) => i !== index))
                : undefined
            }
          />
        ))}
        <Inline space="space.100" shouldWrap>
          <Button onClick={add} isDisabled={items.length >= 20}>
            Add another item
          </Button>
          <Button type="submit" appearance="primary">
            Review
          </Button>
          <Button appearance="subtle" onClick={props.onCancel}>
            Cancel
          </Button>
        </Inline>
      </Stack>
    </form>
  );
}

export function PromoteConfirmation(props: {
  draft: PromoteDraft;
  items: ItemForm[];
  busy: boolean;
  onConfirm: () => void;
  onBack: () => void;
}) {
  const typeName = (id: string | null) =>
    props.draft.deliveryTypes.find((t) => t.id === id)?.name ?? 'Unknown type';
  const count = props.items.length;
  return (
    <Stack space="space.100" testId="promote-confirm">
      <Heading size="xsmall" as="h3">
        {`Create ${count} delivery ${count === 1 ? 'item' : 'items'}?`}
      </Heading>
      <Text as="p">
        Nothing has been created yet. These will be created and linked to this idea:
      </Text>
      <ol className="dt-ordered" data-testid="promote-confirm-list">
        {props.items.map((item) => {
          const criteria = criteriaOf(item).length;
          const estimate = item.estimate.trim();
          return (
            <li key={item.key}>
              <Text weight="medium">{item.summary.trim()}</Text>{' '}
              <Text color="color.text.subtle">
                ({typeName(item.typeId)}
                {estimate ? `, estimate ${estimate}` : ''}, {criteria} acceptance{' '}
                {criteria === 1 ? 'criterion' : 'criteria'})
              </Text>
            </li>
          );
        })}
      </ol>
      <Inline space="space.100">
        <Button appearance="primary" onClick={props.onConfirm} isDisabled={props.busy}>
          {props.busy ? 'Creating…' : `Create ${count} ${count === 1 ? 'item' : 'items'}`}
        </Button>
        <Button appearance="subtle" onClick={props.onBack} isDisabled={props.busy}>
          Back to edit
        </Button>
      </Inline>
    </Stack>
  );
}
