import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import ChevronDownIcon from '@atlaskit/icon/core/chevron-down';
import ChevronRightIcon from '@atlaskit/icon/core/chevron-right';
import { Box, Stack } from '@atlaskit/primitives';
import { useEffect, useState, type ReactNode } from 'react';

/**
 * A part of a long settings page that starts closed: a button opens it, and so does a link of
 * the page's contents that jumps to it (`#id` in the address). Its content is built when opened.
 */
export function PageSection(props: { id: string; title: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const follow = () => {
      if (window.location.hash === `#${props.id}`) setOpen(true);
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [props.id]);
  const bodyId = `${props.id}-body`;
  return (
    <Box as="section" id={props.id} testId={props.id}>
      <Stack space="space.100">
        <Heading size="medium" as="h2">
          <Button
            appearance="subtle"
            aria-expanded={open}
            aria-controls={bodyId}
            testId={`${props.id}-toggle`}
            iconBefore={open ? ChevronDownIcon : ChevronRightIcon}
            onClick={() => setOpen(!open)}
          >
            {props.title}
          </Button>
        </Heading>
        <div id={bodyId} hidden={!open}>
          {open && props.children}
        </div>
      </Stack>
    </Box>
  );
}

/** A link of a page's contents: the id it jumps to and what it is called. */
export interface PagePart {
  id: string;
  title: string;
}
