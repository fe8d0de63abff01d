import { z } from 'zod';
import { ROLLUP_MAX_PROJECTS } from '@contract/surfaces-view';

/**
 * The gadget's saved configuration (Jira keeps what the edit view submits and hands it back as
 * `extension.gadgetConfiguration`): the projects to roll up, in the order picked.
 */
export const GadgetConfigSchema = z.object({
  projectKeys: z.array(z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/)).max(ROLLUP_MAX_PROJECTS),
});
export type GadgetConfig = z.infer<typeof GadgetConfigSchema>;

export const GadgetContextSchema = z
  .object({
    extension: z
      .object({
        entryPoint: z.string().optional(),
        gadgetConfiguration: z.unknown().optional(),
      })
      .passthrough(),
  })
  .passthrough();

/** The saved configuration, or none when it is absent or not one this gadget wrote. */
export function configOf(saved: unknown): GadgetConfig {
  const parsed = GadgetConfigSchema.safeParse(saved);
  return parsed.success ? parsed.data : { projectKeys: [] };
}

/** The configuration Jira hands the gadget's view or edit view in its context. */
export async function savedConfig(getContext: () => Promise<unknown>): Promise<GadgetConfig> {
  try {
    const context = GadgetContextSchema.safeParse(await getContext());
    return configOf(context.success ? context.data.extension.gadgetConfiguration : undefined);
  } catch {
    return configOf(undefined);
  }
}
