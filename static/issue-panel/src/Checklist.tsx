import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import type { ChecklistItem } from '@domain/item-checklist';

/** Each readiness check with pass/fail and, when it fails, what to do about it. */
export function Checklist({ checks }: { checks: readonly ChecklistItem[] }) {
  if (checks.length === 0) {
    return <Text as="p">No readiness rules apply to this item.</Text>;
  }
  return (
    <ul className="dt-list" data-testid="checklist">
      {checks.map((check) => (
        <li key={check.id} data-testid={`check-${check.id}`}>
          <Stack space="space.050">
            <Inline space="space.100" alignBlock="center">
              <Lozenge appearance={check.passed ? 'success' : check.required ? 'removed' : 'moved'}>
                {check.passed ? 'Done' : check.required ? 'Missing' : 'Advice'}
              </Lozenge>
              <Text weight="medium">{check.label}</Text>
            </Inline>
            {check.fix && (
              <Text as="p" color="color.text.subtle" testId={`check-${check.id}-fix`}>
                {check.fix}
              </Text>
            )}
          </Stack>
        </li>
      ))}
    </ul>
  );
}
