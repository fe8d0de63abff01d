import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import { Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import type { OverviewItem, ProjectOverview } from '@contract/project-overview';
import { callResolver } from '@ui/bridge-client';
import { useResolver } from '@ui/use-resolver';
import { EvidenceLog } from '../../issue-panel/src/EvidenceLog';
import { PromoteSection } from '../../issue-panel/src/PromoteSection';

/**
 * An idea of a connected Jira Product Discovery space, opened from the discovery track: its
 * evidence log and, once validated, promote into this project, in a modal over the page. The
 * panel's own components, sending the `jpd/idea/*` keys (the issue panel is not documented to
 * render on JPD's idea view: docs/jpd.md). Each change loads the page's overview again.
 */

/**
 * Whether a discovery item of the page is an idea of a connected JPD space: an idea of another
 * project than the page's and its board's (the page lists no other discovery items). The server
 * checks the space is connected before anything else.
 */
export function isSpaceIdea(item: OverviewItem, overview: ProjectOverview): boolean {
  if (item.kind !== 'idea') return false;
  const projectKey = item.key.slice(0, item.key.lastIndexOf('-'));
  const own = [overview.project.key, ...(overview.boardProjects ?? [])];
  return !own.includes(projectKey);
}

export function IdeaView(props: {
  ideaKey: string;
  onClose: () => void;
  /** The idea's evidence or delivery changed: the page loads its overview again. */
  onChanged: () => void;
  onOpen: (key: string) => void;
}) {
  const { ideaKey, onChanged } = props;
  const { state, reload } = useResolver(
    () => callResolver('jpd/idea/evidence/list', { ideaKey }),
    [ideaKey],
    { keepData: true },
  );
  const changed = async () => {
    await reload();
    onChanged();
  };
  return (
    <Modal testId="idea-view" width="large" onClose={props.onClose} label={`Idea ${ideaKey}`}>
      <ModalHeader>
        <ModalTitle>
          {ideaKey}
          {state.kind === 'ready' && state.data.idea.summary ? `: ${state.data.idea.summary}` : ''}
        </ModalTitle>
      </ModalHeader>
      <ModalBody>
        {state.kind === 'loading' && <Spinner label="Loading the idea's evidence" />}
        {state.kind === 'error' && (
          <SectionMessage appearance="error" title="The idea could not be opened">
            <Text as="p">{state.error.message}</Text>
          </SectionMessage>
        )}
        {state.kind === 'ready' && (
          <Stack space="space.300">
            <EvidenceLog
              evidence={state.data.evidence}
              canEdit={state.data.canEdit}
              reload={changed}
              idea={{ ideaKey }}
            />
            <PromoteSection
              promotion={state.data.promotion}
              reload={changed}
              onOpen={props.onOpen}
              idea={{ ideaKey }}
            />
          </Stack>
        )}
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={() => props.onOpen(ideaKey)}>
          Open {ideaKey} in Jira
        </Button>
        <Button appearance="primary" onClick={props.onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}
