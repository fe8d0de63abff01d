import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { useEffect, useId, useRef } from 'react';

/**
 * A modal confirmation (the browser's own `<dialog>`: focus stays inside, Escape cancels, the
 * page behind is inert) with a title, what will happen, and confirm / cancel buttons.
 */
export function ConfirmDialog(props: {
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  appearance: 'primary' | 'danger' | 'warning';
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dt-dialog"
      aria-labelledby={titleId}
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <Stack space="space.200">
        <Heading size="medium" as="h2" id={titleId}>
          {props.title}
        </Heading>
        <Text as="p">{props.children}</Text>
        <Inline space="space.100" alignInline="end">
          <Button appearance="subtle" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button appearance={props.appearance} isDisabled={props.busy} onClick={props.onConfirm}>
            {props.confirmLabel}
          </Button>
        </Inline>
      </Stack>
    </dialog>
  );
}
