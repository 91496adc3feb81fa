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
import { builtinTracks, BUILTIN_TRACKS as LEXER_TRACKS } from '../../analysis/builtinTracks';
import { database } from '../../store/db';
import { CATEGORICAL } from '../palette';
import type { TrackSpec } from '../../findings/viewState';
import type { ExplorerState } from './explorer.svelte';
import { columnTrack } from './seriesColumns';

export interface ShownTrack extends Track {
  key: string;
  /** finite extent (numeric tracks) */
  lo: number;
  hi: number;
  /** imported tracks' database id */
  id?: number;
  /** the bracket pairs or regex a built-in track was computed with */
  param?: string;
  /** a nesting depth: rankings also score "depth > k" for each level */
  depthLike?: boolean;
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

/** Built-in tracks with no parameters (one of each). */
export type BuiltinTrack = 'loss' | 'class' | 'column';

/** A regex track the user writes; several can be shown at once. */
export interface RegexSpec {
  id: number;
  pattern: string;
}

export class TracksState {
  shown = $state.raw<ShownTrack[]>([]);
  /** tracks stored with the recording (imported files) */
  imported = $state.raw<ShownTrack[]>([]);
  error = $state<string | null>(null);
  pairs = $state('() {} []');
  regexes = $state.raw<RegexSpec[]>([{ id: 1, pattern: '"[^"\\n]*"' }]);
  private nextRegex = 2;

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

  /** The track a built-in key stands for, computed over the whole corpus. */
  private async compute(key: string): Promise<Track> {
    const offsets = await this.ex.allTokenOffsets();
    const text = this.ex.corpus.text;
    if (key === 'loss') {
      const p = await this.ex.reader.predictions(0, this.ex.length);
      if (!p) throw new Error('This recording has no LM-head predictions.');
      return { name: 'LM loss (nats)', kind: 'numeric', values: p.loss };
    }
    if (key === 'class') return charClassTrack(text, offsets);
    if (key === 'column') return positionInLineTrack(text, offsets);
    if (key === 'depth') {
      const pairs = this.pairs
        .split(/\s+/)
        .filter((p) => [...p].length === 2)
        .map((p) => [...p] as [string, string]);
      if (!pairs.length)
        throw new Error('Give bracket pairs as two characters each, e.g. "() {}".');
      const docStarts = this.ex.reader.recording.documents.map((d) => d.start);
      return { ...nestingDepthTrack(text, offsets, pairs, docStarts), depthLike: true } as Track;
    }
    if (key.startsWith('csv:')) {
      if (!this.ex.series) throw new Error('This corpus is not a time series: it has no columns.');
      return columnTrack(this.ex.series, key.slice('csv:'.length));
    }
    if (key.startsWith('builtin:')) {
      const id = key.slice('builtin:'.length);
      const docStarts = this.ex.reader.recording.documents.map((d) => d.start);
      const info = LEXER_TRACKS.find((b) => b.id === id);
      if (!info) throw new Error(`Unknown built-in track "${id}".`);
      const track = builtinTracks(text, offsets, { docStarts, ids: [id] }).get(id)!;
      return { ...track, depthLike: info.depthLike } as Track;
    }
    const spec = this.regexes.find((r) => `regex:${r.id}` === key);
    if (!spec) throw new Error(`Unknown track "${key}".`);
    return regexTrack(text, offsets, spec.pattern);
  }

  /** Show a computed track, or replace it where it is when it is already shown. */
  private async put(key: string): Promise<void> {
    this.error = null;
    try {
      const param =
        key === 'depth' ? this.pairs : this.regexes.find((r) => `regex:${r.id}` === key)?.pattern;
      const track = { ...this.show(await this.compute(key), key), param };
      if (key.startsWith('builtin:') || key.startsWith('csv:')) delete track.param; // the key carries it
      const i = this.shown.findIndex((t) => t.key === key);
      this.shown = i < 0 ? [...this.shown, track] : this.shown.with(i, track);
    } catch (e) {
      this.error = (e as Error).message;
      this.hide(key);
    }
  }

  /** Show or hide a built-in track. */
  async toggleBuiltin(kind: BuiltinTrack | 'depth'): Promise<void> {
    if (this.has(kind)) return this.hide(kind);
    await this.put(kind);
  }

  /** Show or hide a lexer track (builtinTracks.ts), by id: `c.string`, `prose.quotes`… */
  async toggleLexer(id: string): Promise<void> {
    const key = `builtin:${id}`;
    if (this.has(key)) return this.hide(key);
    await this.put(key);
  }

  /** Show or hide a column of a time-series corpus as a track. */
  async toggleColumn(name: string): Promise<void> {
    const key = `csv:${name}`;
    if (this.has(key)) return this.hide(key);
    await this.put(key);
  }

  /** New bracket pairs: a shown depth track follows at once. */
  async setPairs(pairs: string): Promise<void> {
    this.pairs = pairs;
    if (this.has('depth')) await this.put('depth');
  }

  async toggleRegex(id: number): Promise<void> {
    const key = `regex:${id}`;
    if (this.has(key)) return this.hide(key);
    await this.put(key);
  }

  /** A new pattern for a regex track: a shown one follows at once. */
  async setPattern(id: number, pattern: string): Promise<void> {
    this.regexes = this.regexes.map((r) => (r.id === id ? { id, pattern } : r));
    if (this.has(`regex:${id}`)) await this.put(`regex:${id}`);
  }

  /** Another regex track (shown when it has a pattern). */
  async addRegex(pattern = ''): Promise<number> {
    const id = this.nextRegex++;
    this.regexes = [...this.regexes, { id, pattern }];
    if (pattern) await this.put(`regex:${id}`);
    return id;
  }

  removeRegex(id: number): void {
    this.hide(`regex:${id}`);
    this.regexes = this.regexes.filter((r) => r.id !== id);
  }

  /** Show the built-in tracks a link names, in its order, with their pairs or patterns. */
  async restore(specs: readonly TrackSpec[]): Promise<void> {
    let regexes = 0;
    for (const s of specs) {
      if (s.kind === 'regex') {
        const pattern = s.param ?? this.regexes[0]?.pattern ?? '';
        // The first regex of a link takes the first row; more get rows of their own.
        if (regexes++ === 0 && this.regexes.length) {
          const id = this.regexes[0].id;
          this.regexes = this.regexes.with(0, { id, pattern });
          await this.put(`regex:${id}`);
        } else await this.addRegex(pattern);
        continue;
      }
      if (s.kind === 'builtin' || s.kind === 'csv') {
        const key = `${s.kind}:${s.param}`;
        if (s.param && !this.has(key)) await this.put(key);
        continue;
      }
      if (this.has(s.kind)) continue;
      if (s.kind === 'depth') {
        if (s.param !== undefined) this.pairs = s.param;
        await this.put('depth');
      } else await this.put(s.kind);
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
