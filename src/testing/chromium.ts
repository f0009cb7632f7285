/**
 * How the project starts Debian's Chromium (browser tests and benchmarks alike). The network
 * flags keep it from reaching out, which on these machines would hang (shared/docs/TOOLCHAIN.md).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
