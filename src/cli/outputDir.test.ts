import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputDir } from './outputDir';

describe('OutputDir', () => {
  it('makes --out and --zarr under one new parent, and removes only what each made', () => {
    const base = mkdtempSync(join(tmpdir(), 'outdir-'));
    const out = new OutputDir(join(base, 'new', 'npy'), '--out', 'recording', false);
    const zarr = new OutputDir(join(base, 'new', 'rec.zarr'), '--zarr', 'zarr', false);
    out.create();
    zarr.create();
    expect(readdirSync(join(base, 'new')).sort()).toEqual(['npy', 'rec.zarr']);
    expect(zarr.remove()).toMatch(/removed .*rec\.zarr/);
    expect(existsSync(join(base, 'new', 'npy'))).toBe(true);
    expect(out.remove()).toMatch(/removed .*new$/);
    expect(readdirSync(base)).toEqual([]);
  });
});
