/**
 * The enforcement tests' site and event payloads: dev/emulator/enforcement-seed.ts (kept with the
 * emulator so that the bench, which is not test code, seeds the same site).
 */
export * from '../../dev/emulator/enforcement-seed';
