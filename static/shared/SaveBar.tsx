import Button from '@atlaskit/button/new';
import { Inline } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';

/** A form's end: why the last save failed, if it did, then Cancel (where offered) and Save. */
export function SaveBar(props: {
  saveError: string | null;
  /** The error's title, e.g. "The scoped outcome was not saved". */
  failedTitle: string;
  saving: boolean;
  onCancel?: (() => void) | undefined;
}) {
  return (
    <>
      {props.saveError && (
        <SectionMessage appearance="error" title={props.failedTitle}>
          <p>{props.saveError}</p>
        </SectionMessage>
      )}
      <Inline space="space.100" alignInline="end">
        {props.onCancel && (
          <Button appearance="subtle" onClick={props.onCancel} isDisabled={props.saving}>
            Cancel
          </Button>
        )}
        <Button type="submit" appearance="primary" isLoading={props.saving}>
          Save
        </Button>
      </Inline>
    </>
  );
}
