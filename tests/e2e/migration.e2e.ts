/**
 * Real IndexedDB in Chromium: a database written by schema v1 (the fixture the v1 code made) is
 * upgraded when the app opens it, and its corpus and recording are all there.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '../helpers/browserTest';

const root = new URL('../../', import.meta.url);
const fixture = readFileSync(new URL('tests/fixtures/db-v1/db-v1.json', root), 'utf8');
const model = readFileSync(new URL('models/code-lstm.onnx', root)).toString('base64');

test('a v1 database opens in the current app with its corpus and recording intact', async ({
  page
}) => {
  // A same-origin page that runs no app code, so the v1 database is written before the app opens it.
  await page.goto('/corpora/stb_c_lexer.h.txt');
  await page.evaluate(
    ([json, modelBase64]) =>
      new Promise<void>((resolve, reject) => {
        const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const decode = (v: unknown): unknown => {
          if (Array.isArray(v)) return v.map(decode);
          if (!v || typeof v !== 'object') return v;
          const o = v as Record<string, unknown>;
          if ('$file' in o) return bytes(modelBase64);
          if (typeof o.$typed === 'string') {
            const b = bytes(o.base64 as string);
            const Ctor = (globalThis as unknown as Record<string, Float32ArrayConstructor>)[
              o.$typed
            ];
            return new Ctor(b.buffer, 0, b.byteLength / Ctor.BYTES_PER_ELEMENT);
          }
          return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
        };
        const tables = decode(JSON.parse(json).tables) as Record<string, unknown[]>;
        // Dexie version 1 is IndexedDB version 10; stores and indexes as v1 declared them.
        const open = indexedDB.open('cellscope', 10);
        open.onupgradeneeded = () => {
          const db = open.result;
          db.createObjectStore('models', { keyPath: 'sha256' }).createIndex('addedAt', 'addedAt');
          db.createObjectStore('corpora', { keyPath: 'sha256' }).createIndex('addedAt', 'addedAt');
          const recs = db.createObjectStore('recordings', { keyPath: 'id', autoIncrement: true });
          recs.createIndex('[modelSha+corpusSha]', ['modelSha', 'corpusSha']);
          recs.createIndex('status', 'status');
          recs.createIndex('createdAt', 'createdAt');
          db.createObjectStore('tiles', {
            keyPath: ['recordingId', 'stream', 'chunk', 'block']
          }).createIndex('recordingId', 'recordingId');
          db.createObjectStore('tokens', { keyPath: ['recordingId', 'chunk'] }).createIndex(
            'recordingId',
            'recordingId'
          );
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(Object.keys(tables), 'readwrite');
          for (const [name, rows] of Object.entries(tables))
            for (const row of rows) tx.objectStore(name).put(row);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [fixture, model] as const
  );

  await page.goto('/');
  const corpora = page.getByRole('list', { name: 'Corpora' });
  await expect(corpora).toContainText('tiny.c');
  await expect(corpora).toContainText('/*·first·*/'); // whitespace shown visibly
  const rec = page.getByRole('list', { name: 'Recordings' }).locator('li').first();
  await expect(rec).toHaveAttribute('data-status', 'complete');
  await rec.getByRole('link', { name: 'Open' }).click();
  await expect(page.getByTestId('heatmap')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Tokens' })).toContainText('first');

  // The upgrade moved the text into its own table and left no text column behind.
  const stored = await page.evaluate(
    () =>
      new Promise<{ version: number; text: string; rowHasText: boolean }>((resolve, reject) => {
        const open = indexedDB.open('cellscope');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['corpora', 'corpusTexts']);
          const rows = tx.objectStore('corpora').getAll();
          const texts = tx.objectStore('corpusTexts').getAll();
          tx.oncomplete = () => {
            const tiny = rows.result.find((r: { name: string }) => r.name === 'tiny.c');
            resolve({
              version: open.result.version,
              text: texts.result.find((t: { sha256: string }) => t.sha256 === tiny.sha256).text,
              rowHasText: 'text' in tiny
            });
            open.result.close();
          };
        };
      })
  );
  expect(stored.version).toBe(30); // Dexie schema v3 (v2's corpus texts, then the analyses table)
  expect(stored.rowHasText).toBe(false);
  expect(stored.text.startsWith('/* first */\nint main')).toBe(true);
});
