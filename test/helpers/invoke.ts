/**
 * The app called the way Forge calls it, for the tests: dev/emulator/app-invoke.ts (kept with the
 * emulator so that the bench, which is not test code, drives the app the same way).
 */
export * from '../../dev/emulator/app-invoke';
