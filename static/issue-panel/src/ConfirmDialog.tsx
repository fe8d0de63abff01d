import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import { Text } from '@atlaskit/primitives';

/**
 * A modal confirmation (the design system's modal dialog: focus stays inside, Escape cancels, the
 * page behind is covered) with a title, what will happen, and confirm / cancel buttons. Render it
 * inside a `ModalTransition` so that it fades in and out.
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
  return (
    <Modal
      testId="confirm-dialog"
      width="small"
      shouldCloseOnOverlayClick={!props.busy}
      onClose={props.onCancel}
    >
      <ModalHeader>
        <ModalTitle {...(props.appearance === 'primary' ? {} : { appearance: props.appearance })}>
          {props.title}
        </ModalTitle>
      </ModalHeader>
      <ModalBody>
        <Text as="p">{props.children}</Text>
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={props.onCancel}>
          Cancel
        </Button>
        <Button appearance={props.appearance} isDisabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
