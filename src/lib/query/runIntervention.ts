/**
 * Re-run a window of a recording with units clamped, next to the original run (DESIGN.md,
 * "Interventions"). The model runs from the start of the document holding the window's first
 * step, so the state carried into the window is the one the recording had; the part before the
 * window runs once without interventions and its state is kept, so trying several interventions
 * on one window re-runs only the window. The original run over the window is kept too: each
 * intervention then costs one graph run per intervened layer, plus that layer's recurrence in JS.
 */
import type { InterventionRun, InterventionSpec, UnitTrace } from './interventionRun';
import { decodeModel } from '../onnx/proto';
import { prepareForRecording, type RecordingGraph } from '../onnx/surgery';
import { planChunks } from '../record/core';
import { stepFeeds, type FeatureSteps } from '../record/featureFeed';
import type { TokenInput } from '../onnx/inspect';
import { forecastEffect, seriesHead, type ForecastHead } from './forecastEffect';
import { ScanCellEngine, type CellEngine } from '../record/cellEngine';
import { clampedLayer, runIntervenedStep } from '../record/interveneStep';
import { checkInterventions, type Intervention } from '../record/intervention';
import type { OrtModule } from '../record/options';
import { runStep, type CarriedState, type SessionLike, type StepResult } from '../record/step';
import type { StreamKind } from '../record/streams';
import type { RecordingReader } from '../store/reader';
import { gatherRows, windowEffect, type Segment } from './windowRows';

const MAX_WINDOW = 20000;
const PREFIX_CHUNK = 4096;

interface Cached {
  key: string;
  segments: Segment[];
  ranFrom: number;
}

const cancelled = () => new DOMException('The intervention was cancelled.', 'AbortError');

/** One per recording in the query worker: its session with override inputs, and the last window. */
export class InterventionRunner {
  private graph: RecordingGraph;
  private session: Promise<SessionLike>;
  /** intervened layers run as onnxruntime Scans where they can (record/cellEngine.ts) */
  private engine: CellEngine;
  /** The model as it is (no taps, no overrides): the fastest run, for the part before a window. */
  private plain: Promise<{ session: SessionLike; graph: RecordingGraph }>;
  /** States at every PREFIX_CHUNK steps from a document's start, as prefix runs pass them. */
  private checkpoints = new Map<number, CarriedState>();
  private cached: Cached | null = null;
  private stats = new Map<string, { mean: number; min: number; max: number }>();
  private readonly kinds = new Set<StreamKind>(['h']);
  private readonly clampedKinds: Set<StreamKind>;

  /** a time series's features (fed instead of token ids) and the forecaster's head */
  private features: FeatureSteps | null = null;
  private forecastHead: ForecastHead | null = null;

  constructor(
    private reader: RecordingReader,
    private ort: OrtModule,
    model: Uint8Array,
    sessionOptions?: object,
    /** a time-series corpus (its CSV text and name), for a float-feature model */
    series: { text: string; name: string } | null = null
  ) {
    // X·Wᵀ taps only: c and gates of layers not intervened on are not shown here.
    this.graph = prepareForRecording(decodeModel(model), { overrides: true });
    this.clampedKinds = new Set(this.graph.taps.some((t) => t.op === 'LSTM') ? ['h', 'c'] : ['h']);
    if (series)
      ({ features: this.features, head: this.forecastHead } = seriesHead(this.graph.info, series));
    if (!this.graph.info.tokenInput && !this.features)
      throw new Error('Interventions need a model with a token input, or a time series to feed.');
    if (this.graph.window)
      throw new Error(
        `Interventions need a model that takes any number of tokens; this model's graph takes exactly ${this.graph.window.steps}.`
      );
    this.session = ort.InferenceSession.create(this.graph.bytes, sessionOptions);
    this.engine = new ScanCellEngine(
      (bytes) => ort.InferenceSession.create(bytes, sessionOptions),
      ort.Tensor
    );
    const plain = prepareForRecording(decodeModel(model));
    this.plain = ort.InferenceSession.create(plain.bytes, sessionOptions).then((session) => ({
      session,
      graph: plain
    }));
  }

  get taps() {
    return this.graph.taps;
  }

  /** Steps in the recording. */
  get length(): number {
    return this.reader.length;
  }

  /** A unit's mean and range over the recording (as stored): mean-ablation, "outside" marks. */
  private async unitStats(stream: string, unit: number) {
    const key = `${stream}:${unit}`;
    let st = this.stats.get(key);
    if (!st) {
      const values = await this.reader.columns(stream, [unit], 0, this.reader.length);
      let [sum, min, max] = [0, Infinity, -Infinity];
      for (const v of values) {
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      st = { mean: sum / Math.max(1, values.length), min, max };
      this.stats.set(key, st);
    }
    return st;
  }

  /** Specs → interventions in recording steps (one per unit for mean-ablation). */
  async resolve(specs: InterventionSpec[], window: [number, number]): Promise<Intervention[]> {
    const out: Intervention[] = [];
    for (const s of specs) {
      const from = Math.max(window[0], s.from ?? window[0]);
      const base = { stream: s.stream, from, to: window[1] };
      if (s.kind === 'mean') {
        for (const unit of s.units)
          out.push({
            ...base,
            units: [unit],
            op: 'set',
            value: (await this.unitStats(s.stream, unit)).mean
          });
      } else if (s.kind === 'scale')
        out.push({ ...base, units: s.units, op: 'scale', value: s.value });
      else out.push({ ...base, units: s.units, op: 'set', value: s.kind === 'zero' ? 0 : s.value });
    }
    checkInterventions(this.graph.taps, out);
    return out;
  }

  /** Documents overlapping the window, as runs: [start, length], and where the first began. */
  private segments(a: number, b: number) {
    const starts = this.reader.recording.documents.map((d) => d.start);
    const whole = this.graph.taps.some((t) => t.directions === 2 || t.direction === 'reverse');
    const runs: { start: number; length: number; docStart: number }[] = [];
    starts.forEach((s, i) => {
      const end = starts[i + 1] ?? this.reader.length;
      if (end <= a || s >= b) return;
      // A backward direction reads the whole document: run it all.
      const from = whole ? s : Math.max(a, s);
      const to = whole ? end : Math.min(b, end);
      runs.push({ start: from, length: to - from, docStart: s });
    });
    return runs;
  }

  private async runChunks(
    seg: { start: number; length: number },
    state: CarriedState | null,
    list: Intervention[],
    original: StepResult[] | null,
    signal?: AbortSignal
  ): Promise<{ steps: StepResult[]; state: CarriedState }> {
    const session = await this.session;
    const { taps, info } = this.graph;
    const steps: StepResult[] = [];
    let carried = state;
    for (const [i, c] of planChunks(seg.length, 4096).entries()) {
      if (signal?.aborted) throw cancelled();
      const feeds = await this.feeds(info.tokenInput, seg.start + c.start, c.length);
      const input = { feeds, batch: 1, lengths: [c.length] };
      // The original run can stand in for the first run of the intervened one only where both
      // start from the same state: the segment's first chunk.
      const step = await runIntervenedStep(
        session,
        this.ort.Tensor,
        taps,
        input,
        carried,
        this.kinds,
        list,
        seg.start + c.start,
        {
          original: i === 0 ? original?.[0] : undefined,
          engine: this.engine,
          clampedKinds: this.clampedKinds
        }
      );
      steps.push(step);
      carried = step.state;
    }
    return { steps, state: carried! };
  }

  /** The feeds of steps [start, start + length): stored token ids, or the series's rows. */
  private async feeds(input: TokenInput | null, start: number, length: number) {
    if (this.features)
      return stepFeeds(
        this.ort.Tensor,
        { input, ids: new Int32Array(0) },
        this.features,
        start,
        length
      );
    const { ids } = await this.reader.tokens(start, start + length);
    return stepFeeds(this.ort.Tensor, { input, ids }, null, 0, length);
  }

  /**
   * The state at step `a` of the document starting at `docStart`: run from the nearest checkpoint
   * before it with the plain model, keeping a checkpoint at every PREFIX_CHUNK steps, so that a
   * later window further on in the document runs only from there.
   */
  private async prefixState(
    docStart: number,
    a: number,
    signal?: AbortSignal
  ): Promise<CarriedState> {
    const { session, graph } = await this.plain;
    let at = docStart;
    let state: CarriedState | null = null;
    for (const [s, st] of this.checkpoints)
      if (s > at && s <= a && s > docStart) [at, state] = [s, st];
    while (at < a) {
      if (signal?.aborted) throw cancelled();
      const boundary = docStart + (Math.floor((at - docStart) / PREFIX_CHUNK) + 1) * PREFIX_CHUNK;
      const end = Math.min(boundary, a);
      const feeds = await this.feeds(graph.info.tokenInput, at, end - at);
      const step = await runStep(
        session,
        this.ort.Tensor,
        graph.taps,
        { feeds, batch: 1, lengths: [end - at] },
        state,
        new Set()
      );
      [at, state] = [end, step.state];
      if (at === boundary && this.checkpoints.size < 4096) this.checkpoints.set(at, state);
    }
    return state!;
  }

  /** The original run over the window (and the state before it), reused while the window stays. */
  private async original(a: number, b: number, signal?: AbortSignal): Promise<[Cached, boolean]> {
    const key = `${a}-${b}`;
    if (this.cached?.key === key) return [this.cached, true];
    const segments: Segment[] = [];
    let ranFrom = a;
    for (const r of this.segments(a, b)) {
      let state: CarriedState | null = null;
      if (r.start > r.docStart) {
        // The window starts mid-document: carry the state from the document's start.
        ranFrom = Math.min(ranFrom, r.docStart);
        state = await this.prefixState(r.docStart, r.start, signal);
      } else ranFrom = Math.min(ranFrom, r.start);
      const { steps } = await this.runChunks(r, state, [], null, signal);
      segments.push({ start: r.start, length: r.length, state, original: steps });
    }
    this.cached = { key, segments, ranFrom };
    return [this.cached, false];
  }

  async run(
    window: [number, number],
    specs: InterventionSpec[],
    signal?: AbortSignal
  ): Promise<InterventionRun> {
    const started = performance.now();
    const [a, b] = [Math.max(0, window[0]), Math.min(this.reader.length, window[1])];
    if (b <= a) throw new Error('The window holds no steps.');
    if (b - a > MAX_WINDOW)
      throw new Error(`Re-run at most ${MAX_WINDOW.toLocaleString('en')} steps at once; zoom in.`);
    const list = await this.resolve(specs, [a, b]);
    const [cached, reused] = await this.original(a, b, signal);
    const intervened: StepResult[][] = [];
    for (const seg of cached.segments) {
      intervened.push((await this.runChunks(seg, seg.state, list, seg.original, signal)).steps);
    }
    if (signal?.aborted) throw cancelled();
    const effect = await windowEffect(
      this.reader,
      this.graph.info.logits,
      cached.segments,
      intervened,
      [a, b]
    );
    const forecast = this.forecastHead
      ? forecastEffect(this.reader, this.forecastHead, cached.segments, intervened, [a, b])
      : null;
    return {
      window: [a, b],
      ranFrom: cached.ranFrom,
      midDocument: cached.ranFrom < a,
      interventions: list,
      effect,
      forecast,
      traces: await this.traces(cached.segments, intervened, list, a, b),
      ms: performance.now() - started,
      reused
    };
  }

  /**
   * The original run keeps h only; an intervened stream's original values (c) come from running
   * its layer once without clamps, on the original run's own inputs.
   */
  private async ensureOriginal(segments: Segment[], stream: string): Promise<void> {
    const tap = this.graph.taps.find((t) => stream.startsWith(`L${t.layer}.`))!;
    for (const seg of segments) {
      for (const step of seg.original) {
        if (step.streams[0][stream]) continue;
        const input = { feeds: {}, batch: 1, lengths: step.lengths };
        await clampedLayer(
          this.engine,
          this.ort.Tensor,
          tap,
          step.outputs,
          step.stateIn,
          input,
          step.lengths,
          [],
          0,
          this.clampedKinds,
          step.streams
        );
      }
    }
  }

  private async traces(
    segments: Segment[],
    runs: StepResult[][],
    list: Intervention[],
    a: number,
    b: number
  ): Promise<UnitTrace[]> {
    for (const iv of list) await this.ensureOriginal(segments, iv.stream);
    const out: UnitTrace[] = [];
    const seen = new Set<string>();
    for (const iv of list) {
      const H = this.graph.taps.find((t) => iv.stream.startsWith(`L${t.layer}.`))!.hiddenSize;
      for (const unit of iv.units) {
        const key = `${iv.stream}:${unit}`;
        if (seen.has(key) || out.length >= 24) continue;
        seen.add(key);
        const column = (runsOf: StepResult[][]) => {
          const rows = gatherRows(segments, runsOf, a, b, H, (s) => s.streams[0][iv.stream]);
          const col = new Float32Array(b - a);
          if (rows) for (let t = 0; t < b - a; t++) col[t] = rows[t * H + unit];
          return col;
        };
        const value = iv.op === 'set' ? iv.value : null;
        const st = value === null ? null : await this.unitStats(iv.stream, unit);
        out.push({
          stream: iv.stream,
          unit,
          original: column(segments.map((s) => s.original)),
          intervened: column(runs),
          value,
          range: st ? [st.min, st.max] : null,
          outside: !!st && value !== null && (value < st.min || value > st.max)
        });
      }
    }
    return out;
  }
}
