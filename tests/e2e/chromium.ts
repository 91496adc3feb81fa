/** Debian's Chromium for the e2e tests: the flags are shared with the benchmarks (src/cli). */
export { chromiumArgs, launchOptions } from '../../src/cli/chromiumFlags';
