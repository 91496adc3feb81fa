/**
 * A recording's cellscope attributes (`cellscope` in its Zarr group's attributes) and what they
 * require of its arrays: validated with valibot and against the bounds of zarrLimits before any
 * array is read, so a store that claims billions of tokens, streams whose shapes or data types do
 * not match, or token arrays shorter than the recording is refused with a message that names the
 * field or array, what is wrong, and what to do.
 */
import * as v from 'valibot';
import { ZarrError } from './zarrError';
import {
  MAX_CHUNKS,
  MAX_FETCHES_PER_READ,
  MAX_READ_VALUES,
  MAX_STREAMS,
  MAX_TEXT_BYTES,
  MAX_TEXT_CHUNKS,
  MAX_TOKENS,
  MAX_TOP_K,
  MAX_UNITS,
  MAX_VOCAB
} from './zarrLimits';
import { describeIssue, fmtBytes, not, show } from './zarrMetadata';

export const FORMAT = 'cellscope-record/1';

const n = (x: number) => x.toLocaleString('en-US');
const REWRITE = 'Write the store again (npm run record -- --zarr DIR).';

const count = (min: number, max: number, why = '') => {
  const want = not(`a whole number from ${n(min)} to ${n(max)}${why}`);
  return v.pipe(v.number(want), v.safeInteger(want), v.minValue(min, want), v.maxValue(max, want));
};
const STREAM_ID = /^L\d+\.(fwd|bwd)\.[hcifogzrn]$/;

const Attributes = v.looseObject({
  format: v.string(),
  /** when the recording was made (ISO 8601), if the writer says */
  createdAt: v.optional(v.string()),
  tokens: count(
    1,
    MAX_TOKENS,
    ' (cellscope opens recordings of at most that many tokens: record a longer corpus as several stores)'
  ),
  chunkRows: v.optional(count(1, MAX_TOKENS)),
  streamSpecs: v.pipe(
    v.array(
      v.looseObject(
        {
          id: v.pipe(
            v.string(not('a stream id')),
            v.regex(
              STREAM_ID,
              not('a stream id such as "L0.fwd.h" (L<layer>.<fwd|bwd>.<h|c|i|f|o|g|z|r|n>)')
            )
          ),
          units: count(1, MAX_UNITS)
        },
        not('a stream {"id": …, "units": …}')
      ),
      not('a list of streams')
    ),
    v.minLength(1, not('a list of at least one stream')),
    v.maxLength(MAX_STREAMS, not(`a list of at most ${n(MAX_STREAMS)} streams`))
  ),
  model: v.optional(
    v.looseObject(
      {
        file: v.optional(
          v.pipe(v.string(not('a file name')), v.maxLength(1000, not('a file name')))
        ),
        sha256: v.optional(v.string(not('a SHA-256 in hex')))
      },
      not('an object')
    )
  ),
  documents: v.optional(
    v.pipe(
      v.array(
        v.looseObject(
          {
            name: v.pipe(v.string(not('a document name')), v.maxLength(1000, not('a name'))),
            start: count(0, MAX_TOKENS),
            chars: v.optional(
              v.tuple(
                [count(0, MAX_TEXT_BYTES), count(0, MAX_TEXT_BYTES)],
                not('[first, end] characters')
              )
            )
          },
          not('a document {"name", "start", "chars"}')
        ),
        not('a list of documents')
      ),
      v.minLength(1, not('a list of at least one document')),
      v.maxLength(MAX_TOKENS, not(`a list of at most ${n(MAX_TOKENS)} documents`))
    )
  ),
  lm: v.optional(
    v.nullable(
      v.looseObject(
        {
          logits: v.pipe(v.string(not('an output name')), v.minLength(1, not('an output name'))),
          k: count(1, MAX_TOP_K),
          vocab: v.optional(
            v.pipe(
              v.array(v.string(not('a token (a string)')), not('a list of tokens')),
              v.maxLength(MAX_VOCAB, not(`a list of at most ${n(MAX_VOCAB)} tokens`))
            )
          )
        },
        not('an object {"logits", "k", "vocab"}')
      )
    )
  )
});

export type CellscopeAttributes = v.InferOutput<typeof Attributes>;

/** The group's cellscope attributes, validated; `where` is the store's address. */
export function parseAttributes(
  attrs: Record<string, unknown> | undefined,
  where: string,
  version: 2 | 3
): CellscopeAttributes {
  const m = attrs?.cellscope as { format?: unknown } | undefined;
  if (!m || typeof m.format !== 'string' || !m.format.startsWith('cellscope-record/'))
    throw new ZarrError(
      `${where} is a Zarr v${version} store but not a cellscope recording (no cellscope attributes). ` +
        'Record one with npm run record -- --zarr DIR, or check the address.'
    );
  if (m.format !== FORMAT)
    throw new ZarrError(
      `${where} was written in format ${m.format}; this cellscope reads ${FORMAT}. Open it with the ` +
        'cellscope that wrote it, or record it again.'
    );
  const r = v.safeParse(Attributes, m);
  if (!r.success)
    throw new ZarrError(
      `${where}: the recording's attribute cellscope.${describeIssue(r.issues)}. ${REWRITE}`
    );
  const ids = r.output.streamSpecs.map((s) => s.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice)
    throw new ZarrError(
      `${where}: the recording's attribute cellscope.streamSpecs lists stream ${twice} twice. ${REWRITE}`
    );
  return r.output;
}

/** What an array of the recording is checked on (zarrita's view of its metadata). */
export interface ArrayLayout {
  shape: readonly number[];
  chunks: readonly number[];
  dtype: string;
}

type Kind = 'number' | 'integer' | 'float' | 'bytes';
const KIND: Record<Kind, { test: RegExp; say: string }> = {
  number: { test: /^(u?int(8|16|32|64)|float(16|32|64))$/, say: 'numbers' },
  integer: { test: /^u?int(8|16|32|64)$/, say: 'integers (int8…int64 or uint8…uint64)' },
  float: { test: /^float(16|32|64)$/, say: 'floats (float16, float32 or float64)' },
  bytes: { test: /^u?int8$/, say: 'UTF-8 bytes (uint8)' }
};

export interface ArrayRole {
  /** what the array holds, for messages: "token ids", "the corpus text" */
  what: string;
  kind: Kind;
  /** expected shape; the first axis is time and may be longer (rows past the last token are not read) */
  shape: readonly number[];
  /** axis names for messages: ["tokens", "units"] */
  axes: readonly string[];
  /** the attribute that fixes the second axis, if any, for messages */
  source?: string;
  /** rows one read touches (a recorder chunk), to bound the store chunks it fetches */
  rowsPerRead: number;
}

/** Check one array against what the recording's attributes require of it. */
export function checkArray(base: string, name: string, a: ArrayLayout, role: ArrayRole): void {
  const at = `Array "${name}" (${base}/${name})`;
  if (!KIND[role.kind].test.test(a.dtype))
    throw new ZarrError(
      `${at} holds ${a.dtype}, but ${role.what} are ${KIND[role.kind].say}. Write it with that type.`
    );
  const want = `[${role.shape.map(n).join(', ')}] (${role.axes.join(' × ')})`;
  if (a.shape.length !== role.shape.length)
    throw new ZarrError(
      `${at} has shape [${a.shape.map(n).join(', ')}], but the recording's attributes make it ${want}. ${REWRITE}`
    );
  if (a.shape[0] < role.shape[0])
    throw new ZarrError(
      `${at} has ${n(a.shape[0])} rows, but the recording has ${n(role.shape[0])} tokens ` +
        `(cellscope.tokens): it is shorter than the recording, so the arrays do not belong together. ${REWRITE}`
    );
  const other = a.shape.findIndex((d, i) => i > 0 && d !== role.shape[i]);
  if (other > 0)
    throw new ZarrError(
      `${at} has ${n(a.shape[other])} ${role.axes[other]} (shape [${a.shape.map(n).join(', ')}]), but ` +
        `${role.source ?? "the recording's attributes"} give${role.source ? 's' : ''} it ${n(role.shape[other])}: it should be ${want}. ${REWRITE}`
    );
  const values = role.rowsPerRead * role.shape.slice(1).reduce((p, d) => p * d, 1);
  if (values > MAX_READ_VALUES)
    throw new ZarrError(
      `${at}: one recorder chunk (${n(role.rowsPerRead)} rows × ${n(values / role.rowsPerRead)}) is ` +
        `${n(values)} values; cellscope reads at most ${n(MAX_READ_VALUES)} at a time. Record with ` +
        'a smaller --chunk.'
    );
  const fetches = Math.ceil(role.rowsPerRead / a.chunks[0]);
  if (fetches > MAX_FETCHES_PER_READ)
    throw new ZarrError(
      `${at} is stored in chunks of ${n(a.chunks[0])} rows: reading one recorder chunk of ` +
        `${n(role.rowsPerRead)} rows would fetch ${n(fetches)} of them (at most ${n(MAX_FETCHES_PER_READ)}). ` +
        `Rechunk it with at least ${n(Math.ceil(role.rowsPerRead / MAX_FETCHES_PER_READ))} rows per chunk.`
    );
}

/** The text array is read whole when the store is opened: bound its size and its chunk count. */
export function checkText(base: string, a: ArrayLayout): void {
  const at = `Array "text" (${base}/text)`;
  if (!KIND.bytes.test.test(a.dtype))
    throw new ZarrError(`${at} holds ${a.dtype}, but the corpus text is UTF-8 bytes (uint8).`);
  if (a.shape.length !== 1)
    throw new ZarrError(
      `${at} has shape [${a.shape.map(n).join(', ')}]; the corpus text is one row of UTF-8 bytes. ${REWRITE}`
    );
  if (a.shape[0] > MAX_TEXT_BYTES)
    throw new ZarrError(
      `${at} holds ${fmtBytes(a.shape[0])} of text; cellscope reads at most ${fmtBytes(MAX_TEXT_BYTES)} ` +
        'with a recording. Record a longer corpus as several stores.'
    );
  const chunks = Math.ceil(a.shape[0] / a.chunks[0]);
  if (chunks > MAX_TEXT_CHUNKS)
    throw new ZarrError(
      `${at} is split into ${n(chunks)} chunks of ${n(a.chunks[0])} bytes; the text is read whole on ` +
        `open, from at most ${n(MAX_TEXT_CHUNKS)} chunks. Rechunk it into bigger chunks (one is best).`
    );
}

export type StoreDocument = NonNullable<CellscopeAttributes['documents']>[number];

/**
 * The documents of a recording of `tokens` steps over a text of `chars` characters: they start at
 * token 0 and ascend (an empty document shares its start with the next), and their characters
 * ascend within the text. A store without the attribute is one document, the whole text.
 */
export function checkDocuments(
  base: string,
  docs: StoreDocument[] | undefined,
  tokens: number,
  chars: number
): { name: string; start: number; end: number; token: number }[] {
  if (!docs) return [{ name: base, start: 0, end: chars, token: 0 }];
  const bad = (i: number, why: string) =>
    new ZarrError(
      `${base}: the recording's attribute cellscope.documents[${i}] ${why}. ${REWRITE}`
    );
  let [token, char] = [0, 0];
  return docs.map((d, i) => {
    if (i === 0 ? d.start !== 0 : d.start < token || d.start > tokens)
      throw bad(
        i,
        i === 0
          ? 'must start at token 0'
          : `starts at token ${n(d.start)}, out of order or past the last (${n(tokens)})`
      );
    const [from, to] = d.chars ?? [i === 0 ? 0 : char, i === docs.length - 1 ? chars : char];
    if (from < char || to < from || to > chars)
      throw bad(
        i,
        `has characters [${n(from)}, ${n(to)}), out of order or past the text's ${n(chars)}`
      );
    [token, char] = [d.start, to];
    return { name: d.name, start: from, end: to, token: d.start };
  });
}

/** Recorder chunks of `rows` over `tokens`: bounded, since the reader plans one entry per chunk. */
export function checkChunkRows(base: string, tokens: number, rows: number, from: string): void {
  const chunks = Math.ceil(tokens / rows);
  if (chunks > MAX_CHUNKS)
    throw new ZarrError(
      `${base}: ${from} is ${show(rows)} rows, which cuts the recording's ${n(tokens)} tokens into ` +
        `${n(chunks)} chunks; cellscope reads at most ${n(MAX_CHUNKS)}. Write the store again with a bigger --chunk.`
    );
}
