#!/usr/bin/env node
// The npm registry reachable from our machines serves only some platforms' native binaries
// (e.g. no darwin or win32 builds of @swc/core). npm then writes no lock entry for the missing
// optional packages, and `npm ci` refuses the lock as out of sync. This script adds a lock entry
// for every optional dependency that has none, with the os/cpu/libc its name states, so that
// `npm ci` skips it on other platforms exactly as it would with a complete lock.
// Run it after every `npm install` that changes package-lock.json: `npm run lock:platforms`.
import fs from 'node:fs';

const OSES = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'sunos', 'aix'];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'loong64', 'riscv64', 'wasm32'];

export function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = OSES.find((o) => parts.includes(o));
  const cpu = CPUS.find((c) => parts.includes(c));
  const libc = parts.some((p) => p.startsWith('musl'))
    ? 'musl'
    : os === 'linux' && parts.some((p) => p.startsWith('gnu'))
      ? 'glibc'
      : undefined;
  return { os, cpu, libc };
}

export function missingOptionalEntries(lock) {
  const out = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const base = path === '' ? '' : `${path}/`;
      const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
      if (candidates.some((c) => lock.packages[c])) continue;
      out.push({ name, version, dev: entry.dev === true });
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = 'package-lock.json';
  const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
  const missing = missingOptionalEntries(lock);
  for (const m of missing) {
    const { os, cpu, libc } = platformOf(m.name);
    if (!os && !cpu) {
      console.error(`lock-platforms: ${m.name} has no lock entry and no platform in its name`);
      process.exitCode = 1;
      continue;
    }
    lock.packages[`node_modules/${m.name}`] = {
      version: m.version,
      ...(m.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
  }
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`lock-platforms: added ${missing.length} platform entries`);
}
