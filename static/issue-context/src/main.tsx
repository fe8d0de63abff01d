import '@ui/zod-config';
import { mount } from '@ui/mount';
import { IssueSummary } from './IssueSummary';
import '@ui/page.css';

/** The compact readiness summary in the issue view's context area (`jira:issueContext`). */
mount(<IssueSummary />).catch((error: unknown) =>
  console.error('Dual Track: the issue context summary failed to start', error),
);
