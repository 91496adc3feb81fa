/**
 * Annotation tracks shown under the tokens and in match rows: built-in ones (LM loss, character
 * class, position in line, bracket depth, a regex) computed over the whole corpus on demand, and
 * tracks imported from CSV/JSON files, stored with the recording.
 */
import { interpolateViridis } from 'd3';
import {
  charClassTrack,
  nestingDepthTrack,
  parseTrackFile,
  positionInLineTrack,
  regexTrack,
  type Track
} from '../../analysis/tracks';
import { database } from '../../store/db';
import type { TrackSpec } from '../../findings/viewState';
import type { ExplorerState } from './explorer.svelte';

/** Okabe–Ito: colour-blind-safe categorical palette. */
export const CATEGORICAL = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#f0e442',
  '#000000'
];

export interface ShownTrack extends Track {
  key: string;
  /** finite extent (numeric tracks) */
  lo: number;
  hi: number;
  /** imported tracks' database id */
  id?: number;
  /** the bracket pairs or regex a built-in track was computed with */
  param?: string;
}

function extent(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values)
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : [0, 1];
}

export function trackColour(track: ShownTrack, v: number): string | null {
  if (!Number.isFinite(v)) return null;
  if (track.kind === 'categorical') return CATEGORICAL[v % CATEGORICAL.length];
  return interpolateViridis(track.hi > track.lo ? (v - track.lo) / (track.hi - track.lo) : 0.5);
}

export class TracksState {
  shown = $state.raw<ShownTrack[]>([]);
  /** tracks stored with the recording (imported files) */
  imported = $state.raw<ShownTrack[]>([]);
  error = $state<string | null>(null);
  pairs = $state('() {} []');
  pattern = $state('"[^"\\n]*"');

  constructor(private ex: ExplorerState) {}

  private show(track: Track, key: string, id?: number): ShownTrack {
    const [lo, hi] = extent(track.values);
    return { ...track, key, lo, hi, id };
  }

  has(key: string): boolean {
    return this.shown.some((t) => t.key === key);
  }

  hide(key: string): void {
    this.shown = this.shown.filter((t) => t.key !== key);
  }

  /** Compute and show a built-in track (replacing one with the same key). */
  async toggleBuiltin(kind: 'loss' | 'class' | 'column' | 'depth' | 'regex'): Promise<void> {
    this.error = null;
    if (this.has(kind)) return this.hide(kind);
    try {
      const offsets = await this.ex.allTokenOffsets();
      const text = this.ex.corpus.text;
      const docStarts = this.ex.reader.recording.documents.map((d) => d.start);
      let track: Track;
      if (kind === 'loss') {
        const p = await this.ex.reader.predictions(0, this.ex.length);
        if (!p) throw new Error('This recording has no LM-head predictions.');
        track = { name: 'LM loss (nats)', kind: 'numeric', values: p.loss };
      } else if (kind === 'class') track = charClassTrack(text, offsets);
      else if (kind === 'column') track = positionInLineTrack(text, offsets);
      else if (kind === 'depth') {
        const pairs = this.pairs
          .split(/\s+/)
          .filter((p) => [...p].length === 2)
          .map((p) => [...p] as [string, string]);
        if (!pairs.length)
          throw new Error('Give bracket pairs as two characters each, e.g. "() {}".');
        track = nestingDepthTrack(text, offsets, pairs, docStarts);
      } else track = regexTrack(text, offsets, this.pattern);
      const param = kind === 'depth' ? this.pairs : kind === 'regex' ? this.pattern : undefined;
      this.shown = [...this.shown, { ...this.show(track, kind), param }];
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** Show the built-in tracks a link names, in its order, with their pairs or pattern. */
  async restore(specs: readonly TrackSpec[]): Promise<void> {
    for (const s of specs) {
      if (this.has(s.kind)) continue;
      if (s.param !== undefined && s.kind === 'depth') this.pairs = s.param;
      if (s.param !== undefined && s.kind === 'regex') this.pattern = s.param;
      await this.toggleBuiltin(s.kind);
    }
  }

  async loadImported(): Promise<void> {
    const id = this.ex.reader.recording.id;
    if (id === undefined) return;
    const rows = await database().tracks.where('recordingId').equals(id).toArray();
    this.imported = rows.map((r) => this.show(r, `file:${r.id}`, r.id));
  }

  /** Import a CSV/JSON track file: checked against the recording, stored only when it fits. */
  async importFile(file: File): Promise<void> {
    this.error = null;
    const rec = this.ex.reader.recording;
    try {
      if (rec.id === undefined)
        throw new Error('Tracks can be added to recordings in the library only.');
      const offsets = await this.ex.allTokenOffsets();
      const tracks = parseTrackFile(
        await file.text(),
        file.name,
        this.ex.length,
        offsets,
        this.ex.corpus.text.length
      );
      const db = database();
      await db.transaction('rw', db.tracks, async () => {
        for (const t of tracks)
          await db.tracks.add({
            recordingId: rec.id!,
            name: t.name,
            kind: t.kind,
            values: t.values,
            categories: t.categories,
            source: file.name,
            createdAt: Date.now()
          });
      });
      await this.loadImported();
      for (const t of this.imported.slice(-tracks.length))
        if (!this.has(t.key)) this.shown = [...this.shown, t];
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  toggleImported(t: ShownTrack): void {
    if (this.has(t.key)) this.hide(t.key);
    else this.shown = [...this.shown, t];
  }

  async deleteImported(t: ShownTrack): Promise<void> {
    if (t.id !== undefined) await database().tracks.delete(t.id);
    this.hide(t.key);
    await this.loadImported();
  }
}
