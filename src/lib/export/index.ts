export { readNpy, writeNpy, npyHeader, NpyError } from './npy';
export type { Npy, NpyArray } from './npy';
export { unitStatsCsv, matchesCsv, rankingCsv } from './tables';
