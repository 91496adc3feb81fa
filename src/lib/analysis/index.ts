export { topUnitsByMagnitude } from './topUnits';
export type { UnitValue } from './topUnits';
export { robustExtent } from './extent';
export { selectUnits, onCounts, valueRange, thresholdWarning, explainSelection } from './select';
export type { SelectQuery } from './select';
export { proposeThreshold, shortThreshold } from './suggest';
export type { SuggestQuery, ThresholdSuggestion } from './suggest';
export {
  findCandidates,
  candidatesFromCounts,
  countActive,
  noMatchReason,
  constraintsFromPadding
} from './match';
export type { Candidate, CandidateScan, MatchConstraints } from './match';
export { rankMatches, scoreCandidate, compareMatches, runSpan } from './matchScore';
export type { Match } from './matchScore';
export {
  normalize,
  histogram,
  suggestThreshold,
  valueHistogram,
  otsuThreshold,
  coarsen
} from './threshold';
export type { Normalization, ValueHistogram } from './threshold';
export {
  charClassTrack,
  positionInLineTrack,
  nestingDepthTrack,
  regexTrack,
  parseTrackFile,
  TrackFileError,
  CHAR_CLASSES
} from './tracks';
export type { Track } from './tracks';
export { unitTransform, applyTransform, transformValue } from './transform';
export type { UnitTransform } from './transform';
export { trackTarget, UnitCorrelation, rankByCorrelation } from './unitRanking';
export type { RankedUnit } from './unitRanking';
