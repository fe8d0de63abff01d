import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import { Box, Inline, Stack } from '@atlaskit/primitives';
import { AsyncSelect } from '@atlaskit/select';
import { ROLLUP_MAX_PROJECTS } from '@contract/surfaces-view';
import { view } from '@forge/bridge';
import { useRef, useState } from 'react';
import { callResolver } from '@ui/bridge-client';
import type { GadgetConfig } from '@ui/gadget-config';

/**
 * The gadget's configuration: which projects to roll up, picked from the projects the viewer may
 * browse (the `gadget/projects` resolver asks Jira as the viewer); saved with `view.submit`.
 * Projects saved earlier are kept by key even when this viewer may not browse them.
 */

interface ProjectOption {
  value: string;
  label: string;
}

/** Milliseconds of quiet typing before a search is sent. */
const DEBOUNCE_MS = 250;

const optionOf = (p: { key: string; name: string }): ProjectOption => ({
  value: p.key,
  label: `${p.name} (${p.key})`,
});

export function GadgetEdit(props: { config: GadgetConfig }) {
  const [picked, setPicked] = useState<ProjectOption[]>(
    props.config.projectKeys.map((key) => ({ value: key, label: key })),
  );
  const [problem, setProblem] = useState<string | undefined>();
  const [searchProblem, setSearchProblem] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [saving, setSaving] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const search = async (query: string): Promise<ProjectOption[]> => {
    const found = await callResolver('gadget/projects', { query });
    if (!found.ok) {
      setSearchProblem(found.error.message);
      return [];
    }
    setSearchProblem(null);
    setMore(found.data.more);
    const options = found.data.projects.map(optionOf);
    // Projects saved earlier come by key only: name those this viewer may browse.
    const named = new Map(options.map((o) => [o.value, o]));
    setPicked((before) => before.map((o) => named.get(o.value) ?? o));
    return options;
  };
  const loadOptions = (input: string): Promise<ProjectOption[]> => {
    clearTimeout(timer.current);
    return new Promise((resolve) => {
      timer.current = setTimeout(() => {
        search(input.trim()).then(resolve, () => resolve([]));
      }, DEBOUNCE_MS);
    });
  };

  const save = () => {
    if (picked.length === 0) return setProblem('Pick at least one project.');
    setProblem(undefined);
    setSaving(true);
    view
      .submit({ projectKeys: picked.map((o) => o.value) })
      .catch((error: unknown) => setProblem(`Jira did not save the gadget: ${String(error)}`))
      .finally(() => setSaving(false));
  };
  const full = picked.length >= ROLLUP_MAX_PROJECTS;
  return (
    <Box as="main" padding="space.200" backgroundColor="elevation.surface">
      <Stack space="space.150">
        <Stack space="space.050">
          <Label htmlFor="dt-gadget-projects">Projects</Label>
          <div data-testid="gadget-projects">
            <AsyncSelect<ProjectOption, true>
              inputId="dt-gadget-projects"
              isMulti
              cacheOptions
              defaultOptions
              loadOptions={loadOptions}
              value={picked}
              onChange={(options) => {
                setPicked([...options]);
                setProblem(undefined);
              }}
              isOptionDisabled={() => full}
              placeholder="Type a project's name or key"
              noOptionsMessage={() => searchProblem ?? 'No project you may browse matches'}
              isInvalid={problem !== undefined}
              descriptionId="dt-gadget-projects-help"
            />
          </div>
          {problem ? (
            <ErrorMessage testId="gadget-problem">{problem}</ErrorMessage>
          ) : (
            <HelperMessage testId="gadget-help">
              <span id="dt-gadget-projects-help">
                {full
                  ? `At most ${ROLLUP_MAX_PROJECTS} projects per gadget.`
                  : more
                    ? 'More projects match: type more of a name or key to narrow the list.'
                    : `Up to ${ROLLUP_MAX_PROJECTS} projects you may browse; each viewer sees only the projects they may browse.`}
              </span>
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
