import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import { Box, Inline, Stack } from '@atlaskit/primitives';
import Textfield from '@atlaskit/textfield';
import { view } from '@forge/bridge';
import { useState } from 'react';
import { parseKeys, type GadgetConfig } from '@ui/gadget-config';

/** The gadget's configuration: which projects to roll up; saved with Jira's `view.submit`. */
export function GadgetEdit(props: { config: GadgetConfig }) {
  const [text, setText] = useState(props.config.projectKeys.join(', '));
  const [problem, setProblem] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const save = () => {
    const parsed = parseKeys(text);
    if ('problem' in parsed) return setProblem(parsed.problem);
    setProblem(undefined);
    setSaving(true);
    view
      .submit({ projectKeys: parsed.keys })
      .catch((error: unknown) => setProblem(`Jira did not save the gadget: ${String(error)}`))
      .finally(() => setSaving(false));
  };
  return (
    <Box as="main" padding="space.200" backgroundColor="elevation.surface">
      <Stack space="space.150">
        <Stack space="space.050">
          <Label htmlFor="dt-gadget-projects">Projects</Label>
          <Textfield
            id="dt-gadget-projects"
            testId="gadget-projects"
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            isInvalid={problem !== undefined}
          />
          {problem ? (
            <ErrorMessage testId="gadget-problem">{problem}</ErrorMessage>
          ) : (
            <HelperMessage>
              Project keys, separated by commas: each viewer sees only the projects they may browse.
            </HelperMessage>
          )}
        </Stack>
        <Inline space="space.100">
          <Button appearance="primary" onClick={save} isDisabled={saving} testId="gadget-save">
            Save
          </Button>
          <Button appearance="subtle" onClick={() => void view.close()}>
            Cancel
          </Button>
        </Inline>
      </Stack>
    </Box>
  );
}
