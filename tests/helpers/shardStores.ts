/**
 * For the sharded-recording tests: a corpus of documents of uneven length (the bundled paren-rnn
 * language, lines grouped by a fixed pattern, blank lines between documents) and the files of a
 * Zarr store, to compare two stores byte for byte.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { root } from './modelFixture';

export const parenModel = join(root, 'models/paren-rnn.onnx');

/** `documents` documents of 1 to 7 lines of the paren corpus, written to `path`. */
export function writeParenDocuments(path: string, documents: number): string {
  const lines = readFileSync(join(root, 'static/corpora/paren-rnn.txt'), 'utf8').split('\n');
  const docs: string[] = [];
  for (let d = 0, at = 0; d < documents; d++) {
    const n = 1 + ((d * 5 + 3) % 7);
    docs.push(lines.slice(at, at + n).join('\n'));
    at += n;
  }
  writeFileSync(path, `${docs.join('\n\n')}\n`);
  return path;
}

/** Every file under `dir` by its path in the store. */
export function storeFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return out;
}

/** The group's attributes without createdAt (when each store was made). */
export function groupAttributes(files: Map<string, Buffer>): Record<string, unknown> {
  const group = files.get('zarr.json') ?? files.get('.zattrs');
  const attrs = JSON.parse(group!.toString('utf8'));
  const cellscope = { ...(attrs.attributes ?? attrs).cellscope };
  delete cellscope.createdAt;
  return cellscope;
}

/**
 * The two stores hold the same files with the same bytes — every chunk and every array's
 * metadata — and the same group attributes but for createdAt.
 */
export function expectSameStore(actual: string, expected: string): number {
  const [a, e] = [storeFiles(actual), storeFiles(expected)];
  expect([...a.keys()].sort()).toEqual([...e.keys()].sort());
  let chunks = 0;
  for (const [path, bytes] of e) {
    if (path === 'zarr.json' || path === '.zattrs') continue;
    if (!a.get(path)!.equals(bytes)) expect.fail(`${path} differs from the unsharded store's`);
    if (!/(zarr\.json|\.zarray|\.zattrs|\.zgroup)$/.test(path)) chunks++;
  }
  expect(groupAttributes(a)).toEqual(groupAttributes(e));
  return chunks;
}
