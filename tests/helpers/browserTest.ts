/**
 * `test` for every browser test, and browser tests that start from a profile already holding the
 * bundled demo's recording.
 *
 * Every tests/e2e file imports `test` and `expect` from here, not from @playwright/test: files
 * whose fixtures differ run in different worker processes, and a new worker would record the demo
 * profiles below again (a file that changes a worker option, as webgpu.e2e.ts's launch flags do,
 * gets its own worker all the same).
 *
 * Recording the demo's 34,689 tokens takes a large share of a test, and most tests that need it
 * are about the explorer, not the recording (tests/e2e/demo.e2e.ts and resume.e2e.ts are, and
 * record it themselves). So each kind of recording ("h", "h,c", "all") is recorded once per test
 * worker, in Chromium, through the library's Record button (recordDemoH), into a browser profile
 * on disk; its background atlas is left to finish and the browser closes. Each test that asks for
 * it then gets its own copy of that profile folder (IndexedDB and localStorage byte for byte as
 * Chromium wrote them), opened as a persistent context: isolated from every other test, as a
 * fresh profile is, but with the recording in it. (Playwright's storage state with IndexedDB
 * would do the same through JSON: 16 s to restore the h recording, longer than recording it.)
 *
 * Use: `test.use({ demoKinds: 'h' })`; then `context` and `page` hold the recording, and the
 * `demo` fixture is its explorer link (`/explore?rec=N`).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  expect,
  test as base,
  type BrowserContext,
  type BrowserContextOptions,
  type LaunchOptions,
  type Page
} from '@playwright/test';
import { recordDemoH } from './recordDemo';

interface SavedDemo {
  /** the profile folder, closed: copy it, never open it */
  dir: string;
  /** the explorer link of the recording */
  href: string;
}

export interface DemoProfiles {
  /** The explorer link of the demo recorded with `kinds` (recorded on first use). */
  href(kinds: string): Promise<string>;
  /** A new browser profile (a copy of the saved one) holding the demo recorded with `kinds`. */
  open(
    kinds: string,
    options?: BrowserContextOptions
  ): Promise<{ context: BrowserContext; href: string }>;
}

/** How many atlases of recording `id` are stored (the library starts one after recording). */
async function atlases(page: Page, id: number): Promise<number> {
  return page.evaluate(
    (recordingId) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('cellscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('analyses').objectStore('analyses').getAll();
          req.onsuccess = () => {
            open.result.close();
            const rows = req.result as { recordingId: number; kind: string }[];
            resolve(rows.filter((r) => r.recordingId === recordingId && r.kind === 'atlas').length);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    id
  );
}

export const test = base.extend<
  { demoKinds: string | null; demo: string },
  { demoProfiles: DemoProfiles }
>({
  demoProfiles: [
    async ({ playwright, launchOptions }, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      const launch = (dir: string, options: BrowserContextOptions = {}) =>
        playwright.chromium.launchPersistentContext(dir, {
          ...(launchOptions as LaunchOptions),
          baseURL,
          ...options
        });
      const folders: string[] = [];
      const folder = () => {
        const dir = mkdtempSync(join(tmpdir(), 'cellscope-profile-'));
        folders.push(dir);
        return dir;
      };
      const saved = new Map<string, Promise<SavedDemo>>();
      const save = async (kinds: string): Promise<SavedDemo> => {
        const dir = folder();
        const context = await launch(dir);
        try {
          const page = await context.newPage();
          const href = await recordDemoH(page, kinds);
          const id = Number(new URL(href, baseURL).searchParams.get('rec'));
          // Stay on the library page: its background atlas is what a user's next visit finds.
          await expect.poll(() => atlases(page, id), { timeout: 300_000 }).toBe(1);
          return { dir, href };
        } finally {
          await context.close();
        }
      };
      const get = (kinds: string) => {
        if (!saved.has(kinds)) saved.set(kinds, save(kinds));
        return saved.get(kinds)!;
      };
      await use({
        href: async (kinds) => (await get(kinds)).href,
        async open(kinds, options) {
          const { dir, href } = await get(kinds);
          const copy = folder();
          cpSync(dir, copy, { recursive: true });
          return { context: await launch(copy, options), href };
        }
      });
      for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' }
  ],
  demoKinds: [null, { option: true }],
  // The first test of a worker that asks for a kind records it (its own time limit).
  context: [
    async ({ context, demoKinds, demoProfiles, viewport, permissions, acceptDownloads }, use) => {
      if (!demoKinds) return use(context);
      const own = await demoProfiles.open(demoKinds, { viewport, permissions, acceptDownloads });
      await use(own.context);
      await own.context.close();
    },
    { scope: 'test', timeout: 400_000 }
  ],
  demo: async ({ demoKinds, demoProfiles }, use) => {
    if (!demoKinds) throw new Error('The demo fixture needs test.use({ demoKinds })');
    await use(await demoProfiles.href(demoKinds));
  }
});

export { expect };
