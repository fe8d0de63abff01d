import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import ChevronDownIcon from '@atlaskit/icon/core/chevron-down';
import ChevronRightIcon from '@atlaskit/icon/core/chevron-right';
import Link from '@atlaskit/link';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import {
  SECTION_TITLES,
  SETTING_FIELDS,
  SETTING_SECTIONS,
  type SettingField,
  type SettingSection,
} from '@contract/settings-fields';
import { useState, type ReactNode } from 'react';
import type { PagePart } from './PageSection';
import type { FieldErrors } from './settings-draft';

/**
 * The settings grouped into collapsible sections, with a table of contents that jumps to each.
 * Sections start closed so the page is short; a section with a problem is always open, and a link
 * of the contents opens the section it jumps to.
 */

export const sectionId = (section: string) => `settings-section-${section}`;

const fieldsOf = (section: SettingSection) =>
  SETTING_FIELDS.filter((f) => f.path.startsWith(`${section}.`));

const errorCount = (section: SettingSection, errors: FieldErrors) =>
  fieldsOf(section).filter((f) => errors[f.path] !== undefined).length;

function SectionNote(props: { errors: number; note?: string | undefined }) {
  const parts = [props.errors > 0 ? `${props.errors} to fix` : '', props.note ?? ''].filter(
    (p) => p !== '',
  );
  if (parts.length === 0) return null;
  return (
    <Text color={props.errors > 0 ? 'color.text.danger' : 'color.text.subtle'}>
      {parts.join(' · ')}
    </Text>
  );
}

function Contents(props: {
  errors: FieldErrors;
  more: readonly PagePart[];
  note?: (section: SettingSection) => string | undefined;
  onJump: (section: SettingSection) => void;
}) {
  return (
    <Box as="nav" aria-label="Settings sections" testId="settings-contents">
      <Stack space="space.050">
        <Heading size="xsmall" as="h2">
          On this page
        </Heading>
        <Box as="ol">
          {SETTING_SECTIONS.map((section) => (
            <li key={section}>
              <Inline space="space.100" alignBlock="center">
                <Link href={`#${sectionId(section)}`} onClick={() => props.onJump(section)}>
                  {SECTION_TITLES[section]}
                </Link>
                <SectionNote
                  errors={errorCount(section, props.errors)}
                  note={props.note?.(section)}
                />
              </Inline>
            </li>
          ))}
          {props.more.map((part) => (
            <li key={part.id}>
              <Link href={`#${part.id}`}>{part.title}</Link>
            </li>
          ))}
        </Box>
      </Stack>
    </Box>
  );
}

/** Every setting, grouped by section, each row built by the page. */
export function SettingSections(props: {
  row: (field: SettingField) => ReactNode;
  errors: FieldErrors;
  /** A short note per section next to its title: "2 overridden". */
  note?: (section: SettingSection) => string | undefined;
  /** The page's other parts, listed after the settings in the contents. */
  more?: readonly PagePart[];
}) {
  const [open, setOpen] = useState<ReadonlySet<SettingSection>>(new Set());
  const isOpen = (s: SettingSection) => open.has(s) || errorCount(s, props.errors) > 0;
  const toggle = (s: SettingSection, to: boolean) =>
    setOpen((o) => {
      const next = new Set(o);
      if (to) next.add(s);
      else next.delete(s);
      return next;
    });
  const allOpen = SETTING_SECTIONS.every(isOpen);
  return (
    <Stack space="space.200">
      <Contents
        errors={props.errors}
        note={props.note}
        more={props.more ?? []}
        onJump={(s) => toggle(s, true)}
      />
      <Inline>
        <Button
          appearance="subtle"
          testId="settings-toggle-all"
          onClick={() => setOpen(allOpen ? new Set() : new Set(SETTING_SECTIONS))}
        >
          {allOpen ? 'Collapse all sections' : 'Expand all sections'}
        </Button>
      </Inline>
      {SETTING_SECTIONS.map((section) => {
        const expanded = isOpen(section);
        const bodyId = `${sectionId(section)}-body`;
        return (
          <Box as="section" key={section} id={sectionId(section)} testId={sectionId(section)}>
            <Stack space="space.100">
              <Inline space="space.100" alignBlock="center">
                <Heading size="small" as="h3">
                  <Button
                    appearance="subtle"
                    aria-expanded={expanded}
                    aria-controls={bodyId}
                    testId={`${sectionId(section)}-toggle`}
                    iconBefore={expanded ? ChevronDownIcon : ChevronRightIcon}
                    onClick={() => toggle(section, !expanded)}
                  >
                    {SECTION_TITLES[section]}
                  </Button>
                </Heading>
                <SectionNote
                  errors={errorCount(section, props.errors)}
                  note={props.note?.(section)}
                />
              </Inline>
              <div id={bodyId} hidden={!expanded}>
                {expanded &&
                  fieldsOf(section).map((field) => <Box key={field.path}>{props.row(field)}</Box>)}
              </div>
            </Stack>
          </Box>
        );
      })}
    </Stack>
  );
}
