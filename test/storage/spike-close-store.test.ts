import { DEFAULT_CONFIG } from '../../src/domain/config';
import { ISSUE_NOTE_KEYS } from '../../src/storage/key-families';
import { readSpikeCloseContext } from '../../src/storage/spike-close-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * What the spike-closing validator reads in one request: on a site where nothing is stored for
 * the project (no settings saved, no override, no mapping) it decides on the defaults, not an
 * error; the spike's note comes back as stored.
 */
const ctx = useEmulator();

const read = (projectKey: string, issueId: string) =>
  inInvocation(ctx.em, 'validator', 'spike-close: readSpikeCloseContext', () =>
    readSpikeCloseContext(projectKey, issueId),
  );

describe('the spike-closing context', () => {
  it('decides on the default settings when neither the site nor the project saved any', async () => {
    await expect(read('NEW', '10001')).resolves.toEqual({
      note: undefined,
      config: DEFAULT_CONFIG,
      mapping: undefined,
    });
  });

  it('returns the spike note as stored', async () => {
    const note = {
      note: 'The queue holds 2k/s; build it.',
      by: 'lead',
      at: '2026-11-20T10:00:00Z',
    };
    ctx.em.kvs.seed(ISSUE_NOTE_KEYS.spikeNote('10002'), note);
    const context = await read('NEW', '10002');
    expect(context.note).toEqual(note);
    expect(context.config).toEqual(DEFAULT_CONFIG);
  });
});
