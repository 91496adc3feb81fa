/**
 * The intervention being built and its last result: units to clamp (from the select view, a
 * ranking row or a unit page), how (set, zero, mean-ablate, scale), on h or c, from the window's
 * start or a chosen step; the re-run happens in the query worker (runIntervention.ts) over the
 * window in view. Keeping the intervened model as a recording of its own goes through the library.
 */
import { queryWorker } from '../../query/queryClient';
import type { RecordingSource } from '../../query/queryWorker';
import type { InterventionRun, InterventionSpec } from '../../query/interventionRun';
import { database } from '../../store/db';
import { planIntervened } from '../../store/intervened';
import { recorderState } from '../recorder.svelte';

export type InterventionKind = InterventionSpec['kind'];

export const KIND_LABELS: Record<InterventionKind, string> = {
  set: 'set to',
  zero: 'zero',
  mean: 'mean-ablate',
  scale: 'scale by'
};

/** A spec as the panel lists it. */
export function describeSpec(s: InterventionSpec): string {
  const units = s.units.length > 6 ? `${s.units.length} units` : `unit ${s.units.join(', ')}`;
  const how =
    s.kind === 'set' ? `= ${s.value}` : s.kind === 'scale' ? `× ${s.value}` : KIND_LABELS[s.kind];
  const from = s.from !== undefined ? ` from step ${s.from}` : '';
  return `${s.stream} ${units} ${how}${from}`;
}

export class InterventionState {
  specs = $state.raw<InterventionSpec[]>([]);
  /** the form: how the next units are added */
  kind = $state<InterventionKind>('zero');
  value = $state(0);
  /** h or c of the stream in view */
  target = $state<'h' | 'c'>('c');
  /** apply from this step on (null: the whole window) */
  from = $state<number | null>(null);
  running = $state(false);
  error = $state<string | null>(null);
  result = $state.raw<InterventionRun | null>(null);
  /** the intervened recording started by keep() */
  kept = $state.raw<{ id: number; name: string } | null>(null);
  /** the step whose top-k predictions the results compare (index in the window) */
  focus = $state<number | null>(null);

  constructor(private source: RecordingSource) {}

  /** Add units of a stream with the form's settings (replacing earlier specs of the same units). */
  add(stream: string, units: number[]): void {
    if (!units.length) return;
    const spec: InterventionSpec = {
      stream,
      units: [...units].sort((a, b) => a - b),
      kind: this.kind,
      value: this.kind === 'zero' ? 0 : Number(this.value),
      ...(this.from !== null ? { from: this.from } : {})
    };
    const rest = this.specs
      .map((s) =>
        s.stream === stream ? { ...s, units: s.units.filter((u) => !units.includes(u)) } : s
      )
      .filter((s) => s.units.length);
    this.specs = [...rest, spec];
  }

  remove(i: number): void {
    this.specs = this.specs.filter((_, j) => j !== i);
  }

  clear(): void {
    this.specs = [];
    this.result = null;
    this.error = null;
  }

  async run(window: [number, number]): Promise<void> {
    if (!this.specs.length) return;
    this.running = true;
    this.error = null;
    try {
      this.result = await queryWorker('interactive').intervene(
        this.source,
        window,
        $state.snapshot(this.specs) as InterventionSpec[]
      );
      this.focus = null;
    } catch (e) {
      const err = e as Error;
      if (err.name !== 'AbortError') this.error = err.message;
    } finally {
      this.running = false;
    }
  }

  /** Keep the intervention as a recording of its own, over the whole corpus (library recordings). */
  async keep(): Promise<void> {
    if (this.source.kind !== 'idb' || !this.specs.length) return;
    this.kept = null;
    this.error = null;
    try {
      const specs = $state.snapshot(this.specs) as InterventionSpec[];
      const list = await queryWorker('interactive').resolveInterventions(this.source, specs);
      const id = await planIntervened(database(), this.source.id, list);
      const rec = await database().recordings.get(id);
      this.kept = { id, name: rec?.name ?? '' };
      void recorderState.resume(id);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  cancel(): void {
    void queryWorker('interactive').cancel();
  }
}
