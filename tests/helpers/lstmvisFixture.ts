/**
 * The LSTMVis fixture projects (tests/fixtures/lstmvis, made with h5py by
 * make_lstmvis_fixtures.py) and what an import must give, from expected.json.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeH5, projectDir } from '../../src/cli/lstmvisFiles';
import { openLstmvisProject } from '../../src/lib/lstmvis/project';
import { root } from './modelFixture';

export const lstmvisDir = join(root, 'tests/fixtures/lstmvis');
export const fixtureProject = (name: 'words' | 'chars') => join(lstmvisDir, name);

export interface ExpectedProject {
  name: string;
  tokens: string[];
  ids: number[];
  text?: string;
  streams: Record<string, { id: string; shape: [number, number]; values: number[] }>;
  tracks: Record<
    string,
    { kind: 'numeric' | 'categorical'; categories?: string[]; values: number[] }
  >;
}

export const expected: Record<'words' | 'chars', ExpectedProject> = JSON.parse(
  readFileSync(join(lstmvisDir, 'expected.json'), 'utf8')
);

export const openDir = async (dir: string) => openLstmvisProject(projectDir(dir), await nodeH5());

/** A copy of a fixture project in a temp folder, to break one thing in. */
export function projectCopy(name: 'words' | 'chars' = 'words'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'lstmvis-')), name);
  cpSync(fixtureProject(name), dir, { recursive: true });
  return dir;
}

export const badFile = (name: string) => join(lstmvisDir, 'bad', name);
