/**
 * The unit page as files: a JSON document of everything it computed (plain arrays, token texts
 * beside their ids), named like every export.
 */
import { exportName, nameSourceOf } from '../../export/fileName';
import type { UnitProfileResult } from '../../query/runUnitProfile';
import { tokenTexts } from '../../tokenize/tokenText';
import type { TrackScoreRow } from './unitPage.svelte';

export interface UnitExportContext {
  recording: { name: string; id?: number; createdAt?: number };
  model: string;
  corpus: string;
  /** the corpus text, to give each context's tokens as text */
  text: string;
  /** the model's vocabulary (token ids → text), when known */
  vocab: string[] | null;
  splitLabel: string | null;
  trackScores: TrackScoreRow[] | null;
  /** gates recomputed by running the model again, per context */
  recomputedGates: Record<string, Float32Array>[] | null;
}

const plain = (a: ArrayLike<number>) => Array.from(a);

export function unitJson(r: UnitProfileResult, x: UnitExportContext): string {
  const token = (id: number) => x.vocab?.[id] ?? null;
  const doc = {
    kind: 'cellscope.unit-page',
    version: 1,
    recording: {
      name: x.recording.name,
      id: x.recording.id ?? null,
      model: x.model,
      corpus: x.corpus
    },
    stream: r.stream,
    unit: r.unit,
    units: r.units,
    steps: r.steps,
    totalSteps: r.total,
    partial: r.steps < r.total,
    options: r.options,
    split: x.splitLabel,
    profile: r.profile,
    contexts: r.contexts.map((c, i) => ({
      kind: c.kind,
      band: c.band ?? null,
      t: c.t,
      value: c.value,
      from: c.from,
      to: c.to,
      tokens: tokenTexts(x.text, c.offsets, c.to - c.from),
      ids: plain(c.ids),
      values: plain(c.values),
      gates: Object.fromEntries(
        Object.entries(c.gates ?? x.recomputedGates?.[i] ?? {}).map(([k, v]) => [k, plain(v)])
      )
    })),
    gates: x.recomputedGates ? { source: 'recomputed (the model run again)' } : r.gates,
    tokenResponse: r.tokens && {
      ...r.tokens,
      up: r.tokens.up.map((t) => ({ ...t, token: token(t.id) })),
      down: r.tokens.down.map((t) => ({ ...t, token: token(t.id) }))
    },
    head:
      'effect' in r.head
        ? {
            stream: r.head.stream,
            ...r.head.effect,
            promoted: r.head.effect.promoted.map((w) => ({ ...w, token: token(w.id) })),
            suppressed: r.head.effect.suppressed.map((w) => ({ ...w, token: token(w.id) }))
          }
        : r.head,
    trackScores: x.trackScores,
    ms: r.ms
  };
  // NaN (an empty profile) is not JSON: written as null.
  return JSON.stringify(
    doc,
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    1
  );
}

/** `model_corpus_STREAM_DATE_unit177.json` (no window: the page covers the whole recording). */
export function unitFileName(
  r: UnitProfileResult,
  x: Pick<UnitExportContext, 'recording' | 'model' | 'corpus'>,
  ext: string
) {
  return exportName(nameSourceOf(x.recording, x.model, x.corpus), {
    stream: r.stream,
    kind: `unit${r.unit}`,
    ext
  });
}
