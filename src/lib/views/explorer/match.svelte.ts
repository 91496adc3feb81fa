/** The match view's state: one query at a time in the query worker, with progress and cancel. */
import * as Comlink from 'comlink';
import { applyTransform, unitTransform, type UnitTransform } from '../../analysis/transform';
import { type Match } from '../../analysis/matchScore';
import { queryWorker } from '../../query/queryClient';
import { tokenTexts } from '../../tokenize/tokenText';
import type { RecordingSource } from '../../query/queryWorker';
import type { MatchProgress, MatchResult } from '../../query/runMatch';
import type { ExplorerState } from './explorer.svelte';
import type { SelectionState } from './selection.svelte';

export const PAGE = 50;
/** Context tokens shown on each side of a match. */
export const CONTEXT = 14;

export interface MatchRow {
  match: Match;
  /** first step shown (start - CONTEXT, clipped at the recording's start) */
  t0: number;
  tokens: string[];
  /** selected units on per shown step */
  counts: Uint16Array;
}

export class MatchState {
  running = $state(false);
  progress = $state<MatchProgress | null>(null);
  result = $state.raw<MatchResult | null>(null);
  error = $state<string | null>(null);
  /** how many ranked matches are shown (PAGE more on demand) */
  shown = $state(PAGE);
  /** the selection the result belongs to; `window`: the steps whose statistics normalised it */
  query = $state.raw<{
    units: number[];
    threshold: number;
    stream: string;
    window: [number, number];
    transform: UnitTransform;
  } | null>(null);
  rows = $state.raw<MatchRow[]>([]);

  constructor(private source: RecordingSource) {}

  get visible(): Match[] {
    return this.result?.matches.slice(0, this.shown) ?? [];
  }

  /** What a link says of the results: none shown, or shown with the window that normalised them. */
  get link(): { window: [number, number] | null } | null {
    const q = this.query;
    if (!this.result || !q) return null;
    return { window: q.transform.mode === 'raw' ? null : q.window };
  }

  /**
   * Match the selected units over the whole recording. Normalised values (z-score, percentile)
   * use the statistics of `window` (a link's), else of the window in view.
   */
  async run(
    ex: ExplorerState,
    sel: SelectionState,
    window?: [number, number] | null
  ): Promise<void> {
    const data = ex.data;
    if (!data) return;
    const win = window ?? ([data.t0, data.t0 + data.steps] as [number, number]);
    const inView = win[0] === data.t0 && win[1] === data.t0 + data.steps;
    this.running = true;
    this.error = null;
    this.result = null;
    this.progress = null;
    this.shown = PAGE;
    const units = sel.units;
    this.rows = [];
    try {
      const values = inView ? data.values : await ex.reader.window(ex.stream, win[0], win[1]);
      const query = {
        stream: ex.stream,
        units,
        threshold: sel.threshold,
        padLeft: sel.padLeft,
        padRight: sel.padRight,
        transform: unitTransform(values, data.units, sel.normalization)
      };
      this.query = { ...query, window: win };
      this.result = await queryWorker().match(
        this.source,
        query,
        Comlink.proxy((p: MatchProgress) => (this.progress = p))
      );
      await this.loadRows(ex, query);
    } catch (e) {
      const err = e as Error;
      this.error = err.name === 'AbortError' ? 'Match cancelled.' : err.message;
    } finally {
      this.running = false;
    }
  }

  async more(ex: ExplorerState): Promise<void> {
    if (!this.result || !this.query) return;
    this.shown += PAGE;
    // The match's own transform: the window in view may have moved since.
    await this.loadRows(ex, this.query);
  }

  /** Tokens and on-counts of each visible match with its context (small reads, main thread). */
  private async loadRows(
    ex: ExplorerState,
    q: { stream: string; units: number[]; threshold: number; transform: UnitTransform }
  ): Promise<void> {
    const rows: MatchRow[] = [...this.rows];
    const text = ex.corpus.text;
    for (const match of this.visible.slice(rows.length)) {
      const t0 = Math.max(0, match.start - CONTEXT);
      const t1 = Math.min(ex.length, match.end + CONTEXT);
      const [toks, cols] = await Promise.all([
        ex.reader.tokens(t0, Math.min(ex.length, t1 + 1)),
        ex.reader.columns(q.stream, q.units, t0, t1)
      ]);
      applyTransform(cols, q.units, q.transform);
      // A time series's rows have no text to show: the cells carry the shading, the tracks the rest.
      const tokens = ex.series
        ? Array<string>(t1 - t0).fill('')
        : tokenTexts(text, toks.offsets, t1 - t0);
      const k = q.units.length;
      const counts = new Uint16Array(t1 - t0);
      for (let i = 0; i < counts.length; i++)
        for (let j = 0; j < k; j++) if (cols[i * k + j] >= q.threshold) counts[i]++;
      rows.push({ match, t0, tokens, counts });
    }
    this.rows = rows;
  }

  /** Forget the results (hides them). */
  clear(): void {
    this.result = null;
    this.query = null;
    this.rows = [];
    this.error = null;
  }

  cancel(): void {
    void queryWorker().cancel();
  }
}
