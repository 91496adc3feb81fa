import { defineConfig } from '@playwright/test';
import { launchOptions } from './chromium';

/** E2E_PORT lets two checkouts run their browser tests at once. */
const port = Number(process.env.E2E_PORT ?? 4179);

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.e2e\.ts/,
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['json', { outputFile: '../../.e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    launchOptions: launchOptions()
  },
  webServer: {
    command: `npm run build && node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port ${port} --strictPort`,
    cwd: '../..',
    url: `http://127.0.0.1:${port}`,
    timeout: 180_000,
    reuseExistingServer: false
  }
});
