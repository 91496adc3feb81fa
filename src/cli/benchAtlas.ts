/**
 * Atlas benchmark (part of npm run bench): the demo recording (h and c of both layers, recorded
 * with the record command) explained against 20 candidate tracks — the 15 built-ins of both
 * families and 5 regexes — in Node, through the same engine as the browser's worker. Baseline:
 * ranking every unit against one track (in string).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinTracks } from '../lib/analysis/builtinTracks';
import { regexTrack } from '../lib/analysis/tracks';
import { rankAllUnits } from '../lib/query/rankAll';
import { runAtlas } from '../lib/query/runAtlas';
import { openRecordingDir } from './recordingDir';

type Emit = (name: string, value: number, unit: string, baseline: number | null) => void;

const REGEXES = ['[A-Z_]{3,}', '\\bint\\b', '[0-9]+', '->', '\\bif\\b'];

export async function atlasBench(root: string, emit: Emit): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cellscope-atlas-'));
  try {
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/tsx/dist/cli.mjs'),
        join(root, 'src/cli/record.ts'),
        '--model',
        join(root, 'models/code-lstm.onnx'),
        '--text',
        join(root, 'static/corpora/stb_c_lexer.h.txt'),
        '--streams',
        'h,c',
        '--out',
        dir,
        '--force'
      ],
      { encoding: 'utf8' }
    );
    if (r.status !== 0) throw new Error(`record failed: ${r.stderr}`);
    const { reader, corpus } = await openRecordingDir(dir);
    const { text, offsets } = corpus!;
    const string = builtinTracks(text, offsets, { ids: ['c.string'] }).get('c.string')!;
    const t0 = performance.now();
    await rankAllUnits(reader, string.values, { name: 'in string' });
    const one = performance.now() - t0;
    const tracks = REGEXES.map((re) => ({
      name: `/${re}/`,
      values: regexTrack(text, offsets, re).values
    }));
    const t1 = performance.now();
    const atlas = await runAtlas(reader, text, { builtins: 'all', tracks });
    const ms = performance.now() - t1;
    const explained = atlas.units.filter((u) => u.track).length;
    console.error(
      `# atlas: ${atlas.tracks.length} tracks (${atlas.skipped.length} skipped), ${explained} of ${atlas.units.length} units explained`
    );
    emit('rank_one_track_demo_ms', one, 'ms', null);
    emit('atlas_ms', ms, 'ms', one);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
