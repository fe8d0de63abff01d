// Tests never talk to a real Forge runtime: the Jira emulator installs itself at the
// global __forge_fetch__ seam in each test that needs it.
process.env.TZ = 'UTC';
