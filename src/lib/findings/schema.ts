/**
 * A finding: what a user found in a recording, as a versioned JSON document that re-imports.
 * Validated with valibot; the published JSON Schema (static/schema/finding-v1.json) is generated
 * from this file (src/cli/findingSchema.ts) and a test keeps the two in sync.
 */
import * as v from 'valibot';

export const FINDING_FORMAT = 'cellscope-finding/1';
/** Findings are small (a selection and 50 matches); anything much larger is not one. */
export const MAX_FINDING_BYTES = 2_000_000;

const sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex'));
const index = v.pipe(v.number(), v.integer(), v.minValue(0));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));

export const FindingSchema = v.object({
  format: v.literal(FINDING_FORMAT),
  app: v.object({ name: v.literal('cellscope'), version: text(40) }),
  title: text(200),
  notes: text(10_000),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  model: v.object({ sha256, name: text(300) }),
  corpus: v.object({ sha256, name: text(300), tokens: index }),
  recording: v.object({ kinds: text(40), chunkSize: index, tokenizer: v.nullable(text(40)) }),
  stream: v.object({ id: text(100), units: v.pipe(index, v.minValue(1)) }),
  view: v.object({ t0: index, zoom: v.pipe(index, v.minValue(1)) }),
  selection: v.object({
    brush: v.nullable(v.tuple([index, index])),
    padLeft: index,
    padRight: index,
    threshold: v.pipe(v.number(), v.finite()),
    normalization: v.picklist(['raw', 'zscore', 'percentile']),
    units: v.array(index),
    added: v.array(index),
    removed: v.array(index)
  }),
  match: v.nullable(
    v.object({
      candidates: index,
      results: v.pipe(
        v.array(
          v.object({
            start: index,
            end: index,
            units: v.array(index),
            intersect: index,
            union: index
          })
        ),
        v.maxLength(500)
      )
    })
  ),
  tracks: v.pipe(v.array(text(200)), v.maxLength(50))
});

export type Finding = v.InferOutput<typeof FindingSchema>;

/** Parse and validate a finding file; throws an Error whose message says what is wrong. */
export function parseFinding(json: string, fileName = 'the file'): Finding {
  if (json.length > MAX_FINDING_BYTES)
    throw new Error(
      `${fileName} is ${(json.length / 1e6).toFixed(1)} MB: a cellscope finding is at most ${MAX_FINDING_BYTES / 1e6} MB. Is it the right file?`
    );
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`${fileName} is not valid JSON (${(e as Error).message}).`, { cause: e });
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (
    typeof format === 'string' &&
    format.startsWith('cellscope-finding/') &&
    format !== FINDING_FORMAT
  )
    throw new Error(
      `${fileName} is a finding of format ${format}; this cellscope reads ${FINDING_FORMAT}.`
    );
  const r = v.safeParse(FindingSchema, data);
  if (!r.success) {
    const issue = r.issues[0];
    const path = v.getDotPath(issue) ?? '(top level)';
    throw new Error(`${fileName} is not a cellscope finding: ${path}: ${issue.message}.`);
  }
  const s = r.output.selection;
  if (s.brush && s.brush[1] <= s.brush[0])
    throw new Error(
      `${fileName} is not a cellscope finding: selection.brush ends before it starts.`
    );
  const units = r.output.stream.units;
  const bad = [...s.units, ...s.added, ...s.removed].find((u) => u >= units);
  if (bad !== undefined)
    throw new Error(`${fileName} selects unit ${bad}, but its stream has ${units} units.`);
  return r.output;
}
