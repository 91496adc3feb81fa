/**
 * The unit page's state: one unit of one stream, its data computed over the whole recording in
 * the query worker (query/runUnitProfile.ts) with progress and Cancel, the inside/outside split
 * and sample seed it was computed with, the gates recomputed on request, and the track scores the
 * ranking engine fills in.
 */
import * as Comlink from 'comlink';
import type { TrackSplit } from '../../analysis/unitProfile';
import type { UnitRef } from '../../findings/viewState';
import { queryWorker } from '../../query/queryClient';
import type { RecordingSource } from '../../query/queryWorker';
import { gateRuns } from '../../query/recomputeGates';
import type { UnitProfileResult, UnitProgress } from '../../query/runUnitProfile';
import type { Progress } from '../../record/core';
import { rankableTracks } from '../explorer/rankableTracks';
import type { ShownTrack } from '../explorer/tracks.svelte';

/** One row of "how this unit follows each shown track" (filled by the ranking engine). */
export interface TrackScoreRow {
  track: string;
  /** e.g. 'AUC', 'Pearson r' */
  metric: string;
  /** null: undefined (a constant track or unit) */
  score: number | null;
  /** higher inside (+) or outside (−) */
  sign: '+' | '−' | null;
  /** the score on the held-out part */
  heldout: number | null;
  /** the chance baseline (circular shifts), e.g. its 95th percentile */
  chance: number | null;
}

export class UnitPageState {
  result = $state.raw<UnitProfileResult | null>(null);
  running = $state(false);
  progress = $state.raw<UnitProgress | null>(null);
  error = $state<string | null>(null);
  /** seed of the quantile-band samples (Reshuffle draws the next) */
  seed = $state(1);
  /** the shown track (and category) the inside/outside histograms use: '' for none */
  splitKey = $state('');
  /** what the last result's split was */
  splitLabel = $state<string | null>(null);
  /** "correlation with every shown track": null until the ranking engine fills it */
  trackScores = $state.raw<TrackScoreRow[] | null>(null);
  /** gates recomputed by running the model again, per context of `result` */
  gates = $state.raw<Record<string, Float32Array>[] | null>(null);
  gatesRunning = $state(false);
  gatesProgress = $state.raw<Progress | null>(null);
  gatesError = $state<string | null>(null);
  /** bumped to ask for a new computation (the page's effect reads it) */
  private seq = 0;

  constructor(
    readonly ref: UnitRef,
    private source: RecordingSource
  ) {}

  /** Compute the page (again), with a split or none. Stale results are dropped. */
  async load(split: TrackSplit | null): Promise<void> {
    const seq = ++this.seq;
    this.running = true;
    this.progress = null;
    this.error = null;
    try {
      const res = await queryWorker().unitProfile(
        this.source,
        { ...this.ref, seed: this.seed, split: split?.split ?? null },
        Comlink.proxy((p: UnitProgress) => {
          if (seq === this.seq) this.progress = p;
        })
      );
      if (seq !== this.seq) return;
      this.result = res;
      this.splitLabel = split?.label ?? null;
      this.gates = null;
      this.gatesError = null;
    } catch (e) {
      const err = e as Error;
      if (seq === this.seq)
        this.error =
          err.name === 'AbortError'
            ? 'Cancelled: the unit page was not computed. Press Compute to try again.'
            : err.message;
    } finally {
      if (seq === this.seq) this.running = false;
    }
  }

  cancel(): void {
    void queryWorker().cancel();
  }

  /**
   * Score the unit against each shown track with the ranking engine: every unit of its stream
   * is ranked (so the chance baseline is the best any unit of the stream reaches against the
   * shifted track, as in a ranking), and this unit's row is kept.
   */
  async scoreTracks(tracks: readonly ShownTrack[]): Promise<void> {
    const wanted = rankableTracks(tracks);
    if (!wanted.length) {
      this.trackScores = [];
      return;
    }
    const rows: TrackScoreRow[] = [];
    const metricName = { auc: 'AUC', pearson: 'Pearson r', spearman: 'Spearman ρ' };
    for (const w of wanted) {
      try {
        const rep = await queryWorker().rankAll(
          this.source,
          w.values,
          { name: w.name, depthLike: w.depthLike, streams: [this.ref.stream] },
          Comlink.proxy(() => {})
        );
        const u = rep.units.find((x) => x.unit === this.ref.unit);
        rows.push({
          track: w.name,
          metric: metricName[rep.metric],
          score: u?.score ?? null,
          sign: !u || u.sign === 0 ? null : u.sign > 0 ? '+' : '−',
          heldout: u?.heldout ?? null,
          chance: rep.chance.best
        });
      } catch (e) {
        if ((e as Error).name === 'AbortError') return;
        // A track this recording cannot score (constant here): shown as undefined.
        rows.push({
          track: w.name,
          metric: '—',
          score: null,
          sign: null,
          heldout: null,
          chance: null
        });
      }
      this.trackScores = [...rows];
    }
  }

  /** Run the model again over the documents of the contexts, to show their exact gates. */
  async recomputeGates(): Promise<void> {
    const res = this.result;
    if (!res) return;
    this.gatesRunning = true;
    this.gatesProgress = null;
    this.gatesError = null;
    try {
      const out = await queryWorker().unitGates(
        this.source,
        { ...this.ref, spans: res.contexts.map((c) => [c.from, c.to] as [number, number]) },
        Comlink.proxy((p: Progress) => (this.gatesProgress = p))
      );
      if (this.result === res) this.gates = out.gates;
    } catch (e) {
      const err = e as Error;
      this.gatesError =
        err.name === 'AbortError' ? 'The gate recomputation was cancelled.' : err.message;
    } finally {
      this.gatesRunning = false;
    }
  }

  /** Tokens the gate recomputation runs the model over (each document to its last context). */
  gateRunTokens(): number {
    const res = this.result;
    if (!res) return 0;
    const starts = res.documents.map((d) => d.start);
    const spans = res.contexts.map((c) => [c.from, c.to] as [number, number]);
    const whole = res.gates.source === 'none' && res.gates.wholeDocuments === true;
    return gateRuns(starts, spans, res.steps, whole).reduce((n, [a, b]) => n + b - a, 0);
  }
}
