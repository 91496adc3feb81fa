/**
 * The comparison page's state: the two recordings (or one, with two streams) from the URL, the
 * refusal when they cannot be compared, the comparison job in the query worker (progress,
 * cancel), and the window of matched pairs drawn side by side. Components read it and call it.
 */
import * as Comlink from 'comlink';
import { replaceState } from '$app/navigation';
import { resolve } from '$app/paths';
import { checkComparable, CompareRefusal, type ComparedSide } from '../../query/compareCheck';
import { queryWorker } from '../../query/queryClient';
import type { CompareProgress, CompareResult } from '../../query/runCompare';
import { database, type RecordingRow } from '../../store/db';
import { recordedSteps } from '../../store/facts';
import { RecordingReader } from '../../store/reader';
import { tokenTexts } from '../../tokenize/tokenText';
import { pairRows, type PairOrder } from './pairRows';

export const PAIRS_SHOWN = 10;
/** Window steps by default, and the px per step and label width the heatmap draws with. */
export const WINDOW_STEPS = 160;
export const CELL_PX = 8;
export const LABEL_PX = 150;

export interface PairWindow {
  t0: number;
  steps: number;
  /** [pairs shown, steps] per side, A's unit and B's unit of each pair */
  a: Float32Array[];
  b: Float32Array[];
  tokens: string[];
  extent: number;
}

/** The stream a side starts on: the top layer's h, or for a second stream of one recording the one below. */
function defaultStreams(a: RecordingRow, b: RecordingRow, same: boolean): [string, string] {
  const hs = (r: RecordingRow) => r.streams.filter((s) => s.kind === 'h').map((s) => s.id);
  const ha = hs(a).length ? hs(a) : a.streams.map((s) => s.id);
  const hb = hs(b).length ? hs(b) : b.streams.map((s) => s.id);
  if (same) return [ha.at(-2) ?? ha[0], ha.at(-1)!];
  return [ha.at(-1)!, hb.includes(ha.at(-1)!) ? ha.at(-1)! : hb.at(-1)!];
}

export class CompareState {
  a = $state.raw<RecordingRow | null>(null);
  b = $state.raw<RecordingRow | null>(null);
  streamA = $state('');
  streamB = $state('');
  /** why there is nothing to compare (bad link, deleted recording) */
  problem = $state<string | null>(null);
  /** what differs, when the two cannot be compared */
  refusal = $state.raw<string[] | null>(null);
  progress = $state.raw<CompareProgress | null>(null);
  result = $state.raw<CompareResult | null>(null);
  error = $state<string | null>(null);
  threshold = $state(0.5);
  order = $state<PairOrder>('strongest');
  pairOffset = $state(0);
  t0 = $state(0);
  /** steps in the window: as many as fit the heatmap's width */
  windowSteps = $state(WINDOW_STEPS);
  window = $state.raw<PairWindow | null>(null);
  private readers: [RecordingReader, RecordingReader] | null = null;
  private text = '';
  private seq = 0;

  get same(): boolean {
    return !!this.a && !!this.b && this.a.id === this.b.id;
  }
  get running(): boolean {
    return this.progress !== null;
  }
  /** The pairs in the chosen order (strongest held-out |r| first, or by A unit). */
  get pairs() {
    return this.result ? pairRows(this.result, this.order) : [];
  }
  get steps(): number {
    return this.a ? this.a.tokens : 0;
  }

  /** Open `?a=ID&b=ID[&sa=STREAM&sb=STREAM]`. */
  async open(url: URL): Promise<void> {
    const ids = ['a', 'b'].map((k) => Number(url.searchParams.get(k) ?? NaN));
    if (!ids.every((id) => Number.isInteger(id) && id > 0)) {
      this.problem =
        'This link does not say which recordings to compare: it needs ?a=ID&b=ID (the same ID twice compares two streams of one recording).';
      return;
    }
    const db = database();
    const [a, b] = await Promise.all(ids.map((id) => db.recordings.get(id)));
    const missing = ids.filter((_, i) => ![a, b][i]);
    if (missing.length || !a || !b) {
      this.problem = `Recording ${missing.join(' and ')} is not in this browser's library.`;
      return;
    }
    this.a = a;
    this.b = b;
    const [sa, sb] = defaultStreams(a, b, a.id === b.id);
    this.streamA = url.searchParams.get('sa') ?? sa;
    this.streamB = url.searchParams.get('sb') ?? sb;
    const corpus = await db.loadCorpus(a.corpusSha);
    this.text = corpus?.text ?? '';
    this.readers = [
      new RecordingReader(db, a),
      a.id === b.id ? null : new RecordingReader(db, b)
    ].map((r, i, all) => r ?? all[0]) as [RecordingReader, RecordingReader];
    await this.run();
  }

  private async side(r: RecordingRow): Promise<ComparedSide> {
    const corpus = await database().corpora.get(r.corpusSha);
    return {
      name: r.name,
      corpusSha: r.corpusSha,
      corpusName: corpus?.name ?? null,
      tokens: r.tokens,
      recorded: recordedSteps(r),
      streams: r.streams.map((s) => s.id)
    };
  }

  /** Compare the chosen streams (refusing first, here, when the two cannot be compared). */
  async run(): Promise<void> {
    const { a, b } = this;
    if (!a || !b) return;
    const seq = ++this.seq;
    this.refusal = null;
    this.error = null;
    this.result = null;
    this.window = null;
    try {
      checkComparable(await this.side(a), await this.side(b), this.streamA, this.streamB);
      this.progress = { phase: 'read', fraction: 0 };
      const onProgress = Comlink.proxy((p: CompareProgress) => {
        if (seq === this.seq) this.progress = p;
      });
      const result = await queryWorker().compare(
        { kind: 'idb', id: a.id! },
        { kind: 'idb', id: b.id! },
        { streamA: this.streamA, streamB: this.streamB },
        onProgress
      );
      if (seq !== this.seq) return;
      this.result = result;
      this.pairOffset = 0;
      await this.loadWindow();
    } catch (e) {
      if (seq !== this.seq) return;
      const err = e as Error;
      if (e instanceof CompareRefusal) this.refusal = e.differences;
      else if (err.name === 'CompareRefusal')
        this.refusal = [err.message.replace(/^These cannot be compared: /, '')];
      else this.error = err.name === 'AbortError' ? 'Comparison cancelled.' : err.message;
    } finally {
      if (seq === this.seq) this.progress = null;
    }
  }

  cancel(): void {
    void queryWorker().cancel();
  }

  /** Choose another stream pair (from the CKA matrix or the pickers), and keep it in the URL. */
  async choose(streamA: string, streamB: string): Promise<void> {
    this.streamA = streamA;
    this.streamB = streamB;
    const q = (s: string) => encodeURIComponent(s);
    replaceState(
      `${resolve('/compare')}?a=${this.a!.id}&b=${this.b!.id}&sa=${q(streamA)}&sb=${q(streamB)}`,
      {}
    );
    await this.run();
  }

  setThreshold(v: number): void {
    if (Number.isFinite(v)) this.threshold = Math.max(0, Math.min(1, v));
  }

  async showPairs(offset: number): Promise<void> {
    const max = Math.max(0, this.pairs.length - 1);
    this.pairOffset = Math.max(0, Math.min(max - (max % PAIRS_SHOWN), offset));
    await this.loadWindow();
  }

  async setOrder(order: PairOrder): Promise<void> {
    this.order = order;
    this.pairOffset = 0;
    await this.loadWindow();
  }

  async moveTo(t0: number): Promise<void> {
    this.t0 = Math.max(0, Math.min(Math.round(t0), Math.max(0, this.steps - this.windowSteps)));
    await this.loadWindow();
  }

  /** Fit the window to the heatmap's width in px. */
  async setWidth(px: number): Promise<void> {
    const steps = Math.max(40, Math.min(600, Math.floor((px - LABEL_PX) / CELL_PX)));
    if (steps === this.windowSteps) return;
    this.windowSteps = steps;
    await this.loadWindow();
  }

  /** Read the shown pairs' units over the window, A's and B's, on one colour scale. */
  async loadWindow(): Promise<void> {
    const readers = this.readers;
    const shown = this.pairs.slice(this.pairOffset, this.pairOffset + PAIRS_SHOWN);
    if (!readers || !shown.length) return;
    const seq = this.seq;
    const t0 = this.t0;
    const t1 = Math.min(this.steps, t0 + this.windowSteps);
    const steps = t1 - t0;
    const [ca, cb, tokens] = await Promise.all([
      readers[0].columns(
        this.streamA,
        shown.map((p) => p.a),
        t0,
        t1
      ),
      readers[1].columns(
        this.streamB,
        shown.map((p) => p.b),
        t0,
        t1
      ),
      readers[0].tokens(t0, Math.min(this.steps, t1 + 1))
    ]);
    if (seq !== this.seq) return;
    const k = shown.length;
    const unpack = (cols: Float32Array) =>
      shown.map((_, j) => Float32Array.from({ length: steps }, (_, t) => cols[t * k + j]));
    let extent = 0;
    for (const v of [...ca, ...cb]) if (Math.abs(v) > extent) extent = Math.abs(v);
    this.window = {
      t0,
      steps,
      a: unpack(ca),
      b: unpack(cb),
      tokens: tokenTexts(this.text, tokens.offsets, steps),
      extent: extent > 1 ? Math.ceil(extent * 10) / 10 : 1
    };
  }
}
