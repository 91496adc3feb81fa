/**
 * Open what `npm run record` wrote, for `npm run analyze`: its --out directory (manifest.json +
 * .npy streams, encoded as the browser stores them: recordingNpy.ts) or its --zarr store (read by
 * the app's own Zarr reader through a directory store, so the values are the browser's). Either
 * way the result is the same RecordingReader the explorer and the query worker use.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingReader } from '../lib/store/reader';
import { openZarrRecording } from '../lib/store/zarrSource';
import { fileStore } from './fileStore';
import { InputError } from './inputFiles';
import { openNpyRecording } from './recordingNpy';

export interface OpenedRecording {
  kind: 'npy' | 'zarr';
  reader: RecordingReader;
  /** the corpus text and each step's UTF-16 start offset in it; null for a feed recording */
  corpus: { text: string; offsets: Uint32Array } | null;
  /** why there is no text, as "this recording …" goes on */
  noText: string;
}

const FEED = 'has no text (a recording of --feed or --csv inputs)';

function checkDirectory(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(
      `--recording ${dir}: there is no such directory. Give the --out or --zarr directory of npm run record.`
    );
  }
  if (!isDir)
    throw new InputError(
      `--recording ${dir} is a file. Give the directory npm run record wrote (its --out or --zarr).`
    );
}

export async function openRecordingDir(dir: string): Promise<OpenedRecording> {
  checkDirectory(dir);
  if (existsSync(join(dir, 'zarr.json')) || existsSync(join(dir, '.zgroup'))) {
    const { recording, source, corpus } = await openZarrRecording(dir, fileStore(dir));
    const reader = new RecordingReader(source, recording);
    const { offsets } = await reader.tokens(0, reader.length);
    return { kind: 'zarr', reader, corpus: { text: corpus.text, offsets }, noText: '' };
  }
  if (!existsSync(join(dir, 'manifest.json')))
    throw new InputError(
      `--recording ${dir} holds neither a manifest.json nor a Zarr store: it is not a recording. Give the --out or --zarr directory of npm run record.`
    );
  const { recording, source, corpus, manifest } = openNpyRecording(dir);
  return {
    kind: 'npy',
    reader: new RecordingReader(source, recording),
    corpus: corpus && { text: corpus.text, offsets: corpus.offsets },
    noText:
      manifest.mode === 'text'
        ? 'has no corpus files (an older npm run record wrote it); record it again, or use its --zarr store'
        : FEED
  };
}
