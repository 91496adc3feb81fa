/**
 * Debian's Chromium (never a downloaded browser) and the one list of flags that keeps it off the
 * network and GPU-free: for the e2e tests (tests/e2e/chromium.ts) and the browser benchmarks.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic'
];

export const launchOptions = (extra: string[] = []) => ({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [...chromiumArgs, ...extra]
});
