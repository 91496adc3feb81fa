/**
 * Clusters of a stream's units by their correlation matrix, and a row order that keeps each
 * cluster together:
 * - hierarchical (ml-hclust's agnes, average or complete linkage on the distance 1 − r): the row
 *   order is the dendrogram's leaf order as scipy's `leaves_list` gives it, and k clusters are
 *   the tree cut as scipy's `fcluster(Z, k, 'maxclust')` cuts it;
 * - k-means (ml-kmeans, k-means++ with a fixed seed) on the units' rows of the correlation
 *   matrix (units that correlate alike with all others group together): clusters by size, the
 *   largest first, each unit's row by its closeness to its cluster's centre.
 * Units constant over the profile have no correlation: they join no cluster and come last
 * (label -1). Pure code.
 */
import { agnes, type Cluster } from 'ml-hclust';
import { kmeans } from 'ml-kmeans';
import type { CorrelationMatrix } from './correlation';

export type ClusterMethod = 'average' | 'complete' | 'kmeans';
export const CLUSTER_METHODS: readonly ClusterMethod[] = ['average', 'complete', 'kmeans'];

export interface UnitClusters {
  method: ClusterMethod;
  /** clusters asked for (fewer when there are fewer units to cluster) */
  k: number;
  /** order[row] = unit: the rows in cluster order */
  order: Int32Array;
  /** cluster of each unit, 0.. in order of first appearance along `order`; -1: constant */
  labels: Int32Array;
  /** clusters made */
  clusters: number;
}

/** The seed of k-means++ (one seed, so the same recording always clusters the same way). */
export const KMEANS_SEED = 13;

/** The units with a defined correlation (not constant). */
function liveUnits(m: CorrelationMatrix): number[] {
  return Array.from({ length: m.units }, (_, u) => u).filter((u) => !m.constant[u]);
}

/** Cluster ids renumbered 0.. by first appearance along the order; constant units -1. */
function relabel(order: ArrayLike<number>, raw: Map<number, number>, units: number): Int32Array {
  const labels = new Int32Array(units).fill(-1);
  const seen = new Map<number, number>();
  for (let i = 0; i < order.length; i++) {
    const c = raw.get(order[i]);
    if (c === undefined) continue;
    if (!seen.has(c)) seen.set(c, seen.size);
    labels[order[i]] = seen.get(c)!;
  }
  return labels;
}

/**
 * scipy's leaf order: a merge lists its earlier-made child first (scipy numbers a merge after
 * every leaf, by height; of two leaves the lower index is first).
 */
function leafOrder(root: Cluster, live: number[]): number[] {
  const rank = (c: Cluster) => (c.isLeaf ? [0, c.index] : [1, c.height]);
  const out: number[] = [];
  const stack: Cluster[] = [root];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.isLeaf) {
      out.push(live[c.index]);
      continue;
    }
    const [a, b] = c.children;
    const [ka, kb] = [rank(a), rank(b)];
    const aFirst = ka[0] !== kb[0] ? ka[0] < kb[0] : ka[1] <= kb[1];
    // The stack pops the last pushed first.
    stack.push(...(aFirst ? [b, a] : [a, b]));
  }
  return out;
}

/** fcluster maxclust: undo the k − 1 highest merges; each remaining subtree is a cluster. */
function cutTree(root: Cluster, k: number, live: number[]): Map<number, number> {
  const parts: Cluster[] = [root];
  while (parts.length < k) {
    let hi = -1;
    parts.forEach((c, i) => {
      if (!c.isLeaf && (hi < 0 || c.height > parts[hi].height)) hi = i;
    });
    if (hi < 0) break;
    parts.splice(hi, 1, ...parts[hi].children);
  }
  const raw = new Map<number, number>();
  parts.forEach((part, id) => {
    const stack = [part];
    while (stack.length) {
      const c = stack.pop()!;
      if (c.isLeaf) raw.set(live[c.index], id);
      else stack.push(...c.children);
    }
  });
  return raw;
}

function hierarchical(m: CorrelationMatrix, method: 'average' | 'complete', k: number) {
  const live = liveUnits(m);
  const U = m.units;
  if (live.length < 2) return { order: live, raw: new Map(live.map((u) => [u, 0])) };
  const distance = live.map((i) => live.map((j) => (i === j ? 0 : 1 - m.r[i * U + j])));
  const root = agnes(distance, { method, isDistanceMatrix: true });
  return { order: leafOrder(root, live), raw: cutTree(root, k, live) };
}

/** k-means on correlation rows; `start` units' rows are the first centres (else k-means++). */
function kMeans(m: CorrelationMatrix, k: number, start?: number[]) {
  const live = liveUnits(m);
  const U = m.units;
  const row = (u: number) => live.map((j) => m.r[u * U + j]);
  const data = live.map(row);
  if (live.length <= k) return { order: live, raw: new Map(live.map((u, i) => [u, i])) };
  const result = kmeans(data, k, {
    initialization: start ? start.map(row) : 'kmeans++',
    seed: KMEANS_SEED,
    maxIterations: 300
  });
  const raw = new Map(live.map((u, i) => [u, result.clusters[i]]));
  const size = new Map<number, number>();
  for (const c of result.clusters) size.set(c, (size.get(c) ?? 0) + 1);
  const dist = live.map((_, i) => {
    const c = result.centroids[result.clusters[i]];
    return data[i].reduce((s, v, j) => s + (v - c[j]) ** 2, 0);
  });
  const byUnit = new Map(live.map((u, i) => [u, i]));
  const order = [...live].sort((a, b) => {
    const [ia, ib] = [byUnit.get(a)!, byUnit.get(b)!];
    const [ca, cb] = [result.clusters[ia], result.clusters[ib]];
    if (ca !== cb) {
      const ds = size.get(cb)! - size.get(ca)!;
      // Equal sizes: the cluster holding the lower unit first.
      return ds !== 0 ? ds : firstUnit(ca) - firstUnit(cb);
    }
    return dist[ia] - dist[ib] || a - b;
  });
  function firstUnit(c: number) {
    return live.find((_, i) => result.clusters[i] === c)!;
  }
  return { order, raw };
}

/**
 * Cluster the units of a correlation matrix. `kmeansStart`: units whose correlation rows start
 * k-means (for tests against a reference run); by default k-means++ with KMEANS_SEED.
 */
export function clusterUnits(
  m: CorrelationMatrix,
  method: ClusterMethod,
  k: number,
  kmeansStart?: number[]
): UnitClusters {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`The number of clusters must be a whole number ≥ 1, not ${k}.`);
  const { order, raw } =
    method === 'kmeans' ? kMeans(m, k, kmeansStart) : hierarchical(m, method, k);
  const constants = Array.from({ length: m.units }, (_, u) => u).filter((u) => m.constant[u]);
  const full = Int32Array.from([...order, ...constants]);
  const labels = relabel(full, raw, m.units);
  const clusters = new Set(raw.values()).size;
  return { method, k, order: full, labels, clusters };
}
