/**
 * The explorer's "Space" views: gate saturation of every LSTM/GRU layer and the 2-D projection of
 * a stream's state vectors. Both run in the query worker, with progress and cancel; the state
 * here survives switching tabs and closing the results.
 */
import { projectRows } from '../../analysis/projection';
import { queryWorker } from '../../query/queryClient';
import type { RecordingSource } from '../../query/queryWorker';
import type {
  ProjectionMethod,
  ProjectionProgress,
  ProjectionResult
} from '../../query/runProjection';
import type { SaturationProgress, SaturationResult } from '../../query/runSaturation';
import type { RecordingReader } from '../../store/reader';
import * as Comlink from 'comlink';
import { useExplorer } from './context';

/** A unit of a layer's gates (hovered in the saturation view). */
export interface LayerUnit {
  layer: string;
  unit: number;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isCancel = (e: unknown) => e instanceof Error && /cancelled/.test(e.message);

export class SpaceState {
  saturation = $state.raw<SaturationResult | null>(null);
  saturationProgress = $state.raw<SaturationProgress | null>(null);
  saturationRunning = $state(false);
  saturationError = $state<string | null>(null);
  /** the unit under the pointer in the saturation view (highlighted in its layer's gates) */
  hover = $state.raw<LayerUnit | null>(null);

  method = $state<ProjectionMethod>('pca');
  /** the stream to project ('' = the one in view) */
  stream = $state('');
  seed = $state(1);
  projection = $state.raw<ProjectionResult | null>(null);
  projectionProgress = $state.raw<ProjectionProgress | null>(null);
  projectionRunning = $state(false);
  projectionError = $state<string | null>(null);

  constructor(readonly source: RecordingSource) {}

  get running(): boolean {
    return this.saturationRunning || this.projectionRunning;
  }

  /** Measure every layer's gate saturation (the stored gates, or recomputed from the model). */
  async runSaturation(): Promise<void> {
    this.saturationRunning = true;
    this.saturationError = null;
    this.saturationProgress = null;
    try {
      this.saturation = await queryWorker().saturation(
        this.source,
        Comlink.proxy((p: SaturationProgress) => (this.saturationProgress = p))
      );
    } catch (e) {
      if (!isCancel(e)) this.saturationError = errorText(e);
    } finally {
      this.saturationRunning = false;
    }
  }

  /** Project a stream's state vectors (PCA, or UMAP) over a seeded sample of steps. */
  async runProjection(stream: string): Promise<void> {
    this.projectionRunning = true;
    this.projectionError = null;
    this.projectionProgress = null;
    try {
      this.projection = await queryWorker().projection(
        this.source,
        { stream, method: this.method, seed: this.seed },
        Comlink.proxy((p: ProjectionProgress) => (this.projectionProgress = p))
      );
    } catch (e) {
      if (!isCancel(e)) this.projectionError = errorText(e);
    } finally {
      this.projectionRunning = false;
    }
  }

  cancel(): void {
    void queryWorker().cancel();
  }

  /**
   * The points of steps [t0, t1) on the shown projection ([n, 2]): PCA here, UMAP through the
   * worker's map. null when there is no projection or its map is gone.
   */
  async windowPoints(
    reader: RecordingReader,
    t0: number,
    t1: number
  ): Promise<Float32Array | null> {
    const p = this.projection;
    if (!p || t1 <= t0) return null;
    const rows = await reader.window(p.stream, t0, t1);
    const n = rows.length / p.pca.units;
    if (p.method === 'pca') return projectRows(p.pca, rows, n);
    return queryWorker().umapTransform(this.source, p.stream, p.seed, rows, n);
  }
}

/** The session's Space state (there once a recording is open, like the other parts). */
export function useSpace(): SpaceState {
  const space = useExplorer().space;
  if (!space) throw new Error('useSpace() needs an open explorer session.');
  return space;
}
