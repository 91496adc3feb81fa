/**
 * Zarr metadata checked before zarrita reads it. Every metadata document a store serves (v3
 * zarr.json; v2 .zgroup, .zattrs, .zarray) is validated with valibot as it is fetched: JSON that is
 * not Zarr metadata, negative or absurd chunk sizes, data types that are not numbers and codecs
 * this reader does not have are refused with a ZarrError that names the file and the field, before
 * zarrita builds an array from them or anything is allocated from a size they give.
 */
import * as v from 'valibot';
import type { AbsolutePath, AsyncReadable, GetOptions, RangeQuery } from 'zarrita';
import { ZarrError } from './zarrError';
import { MAX_CHUNK_BYTES, MAX_METADATA_BYTES, MAX_RANK } from './zarrLimits';

/** A value as a message shows it: short, JSON-like; `undefined` is "missing". */
export function show(x: unknown): string {
  if (x === undefined) return 'missing';
  const s = typeof x === 'number' ? x.toLocaleString('en-US') : JSON.stringify(x);
  if (s === undefined) return String(x);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

export const fmtBytes = (n: number) =>
  n >= 2 ** 30
    ? `${(n / 2 ** 30).toLocaleString('en-US', { maximumFractionDigits: 1 })} GiB`
    : `${(n / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;

/** A valibot message: `is -4, not a whole number ≥ 1` or `is missing (must be 3)`. */
export const not = (want: string) => (issue: v.BaseIssue<unknown>) =>
  issue.input === undefined
    ? `is missing (must be ${want})`
    : `is ${show(issue.input)}, not ${want}`;

/** The first issue of a failed parse as `field.path[0] is …, not …`. */
export function describeIssue(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
  const issue = issues[0];
  const path = (v.getDotPath(issue) ?? '').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  // A required key that is absent is reported by its object, with the object's message.
  const message =
    issue.input === undefined && /object/.test(issue.type) ? 'is missing' : issue.message;
  return path ? `${path} ${message}` : `the document ${message}`;
}

const size = (min: 0 | 1) => {
  const want = not(`a whole number ≥ ${min}`);
  return v.pipe(v.number(want), v.safeInteger(want), v.minValue(min, want));
};
const sizes = (min: 0 | 1) =>
  v.pipe(
    v.array(size(min), not('a list of sizes')),
    v.maxLength(MAX_RANK, not(`a list of at most ${MAX_RANK} sizes`))
  );
/** A JSON object (not a list, not null). */
const object = v.custom<Record<string, unknown>>(
  (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
  not('an object')
);
const codec = v.looseObject(
  { name: v.string(not('a codec name')), configuration: v.optional(object) },
  not('a codec ({"name": …})')
);
const codecs = v.array(codec, not('a list of codecs'));
const fillValue = v.optional(
  v.nullable(
    v.union([v.number(), v.string(), v.boolean()], not('a number, a string, a boolean or null'))
  )
);

const V3Node = v.looseObject(
  {
    zarr_format: v.literal(3, not('3 in a zarr.json')),
    node_type: v.picklist(['group', 'array'], not('"group" or "array"'))
  },
  not('an object')
);
const V3Group = v.looseObject({ attributes: v.optional(object) });
const V3Array = v.looseObject({
  shape: sizes(0),
  data_type: v.string(not('a data type name such as "float32"')),
  chunk_grid: v.looseObject(
    {
      name: v.literal('regular', not('"regular"')),
      configuration: v.looseObject({ chunk_shape: sizes(1) }, not('an object'))
    },
    not('an object')
  ),
  chunk_key_encoding: v.looseObject(
    {
      name: v.picklist(['default', 'v2'], not('"default" or "v2"')),
      configuration: v.optional(
        v.looseObject({ separator: v.optional(v.picklist(['/', '.'], not('"/" or "."'))) })
      )
    },
    not('an object')
  ),
  codecs: v.pipe(codecs, v.minLength(1, not('a list of at least one codec'))),
  fill_value: fillValue,
  attributes: v.optional(object)
});
const Sharding = v.looseObject({ chunk_shape: sizes(1), codecs }, not('an object'));

const V2Group = v.looseObject(
  { zarr_format: v.literal(2, not('2 in a .zgroup')) },
  not('an object')
);
const numcodec = v.looseObject({ id: v.string(not('a codec id')) }, not('a codec ({"id": …})'));
const V2Array = v.looseObject(
  {
    zarr_format: v.literal(2, not('2 in a .zarray')),
    shape: sizes(0),
    chunks: sizes(1),
    dtype: v.string(not('a NumPy type string such as "<f4"')),
    compressor: v.optional(v.nullable(numcodec)),
    fill_value: fillValue,
    order: v.optional(v.picklist(['C', 'F'], not('"C" or "F"'))),
    filters: v.optional(v.nullable(v.array(numcodec, not('a list of codecs')))),
    dimension_separator: v.optional(v.picklist(['.', '/'], not('"." or "/"')))
  },
  not('an object')
);

/** Bytes per element of the number types cellscope reads (Zarr v3 names). */
export const NUMBER_TYPES: Record<string, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float16: 2,
  float32: 4,
  float64: 8
};

/** The v3 name of a v2 (NumPy) type string as zarrita reads it, e.g. "<f4" → "float32". */
export function v2DataType(dtype: string): string | null {
  const m = dtype.match(/^[<>|]([iuf])([1248])$/);
  if (!m) return null;
  const name = `${{ i: 'int', u: 'uint', f: 'float' }[m[1]]}${Number(m[2]) * 8}`;
  return name in NUMBER_TYPES ? name : null;
}

/** Where a metadata key's node is, for messages: the store's address plus the node's path. */
const nodeOf = (key: string) => key.replace(/\/?(zarr\.json|\.zgroup|\.zattrs|\.zarray)$/, '');

export interface MetadataContext {
  /** the store's address, as the user gave it */
  base: string;
  /** codec names zarrita can decode (its registry) */
  codecs: ReadonlySet<string>;
}

const DAMAGED =
  'The store is damaged or was not written by a Zarr library: write it again (zarr-python, ' +
  'xarray, or npm run record -- --zarr DIR).';
const ROOT =
  "Give the address of a Zarr store's root group: the folder that holds zarr.json (Zarr v3) or " +
  '.zgroup (Zarr v2).';

/** Check one metadata document (by its key in the store); throws a ZarrError saying what is wrong. */
export function checkMetadata(key: string, bytes: Uint8Array, ctx: MetadataContext): void {
  const where = `${ctx.base}${key}`;
  const isRoot = nodeOf(key) === '';
  const file = key.split('/').pop()!;
  if (bytes.length > MAX_METADATA_BYTES)
    throw new ZarrError(
      `${where} is ${fmtBytes(bytes.length)}: Zarr metadata is small, and cellscope reads at most ` +
        `${fmtBytes(MAX_METADATA_BYTES)} of it. ${isRoot ? ROOT : DAMAGED}`
    );
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ZarrError(
      `${where} is not valid Zarr metadata: it is not JSON (${(e as Error).message}). ` +
        (isRoot
          ? `${ROOT} (A web server that answers every address with a page is not serving a store.)`
          : DAMAGED)
    );
  }
  const fail = (what: string, issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): never => {
    throw new ZarrError(
      `${where} is JSON but not ${what}: ${describeIssue(issues)}. ${isRoot ? ROOT : DAMAGED}`
    );
  };
  const parse = <S extends v.GenericSchema>(schema: S, what: string): v.InferOutput<S> => {
    const o = v.safeParse(object, doc);
    if (!o.success) fail(what, o.issues);
    const r = v.safeParse(schema, doc);
    return r.success ? r.output : fail(what, r.issues);
  };
  if (file === '.zattrs') {
    parse(object, 'Zarr attributes (an object)');
    return;
  }
  if (file === '.zgroup') {
    parse(V2Group, 'Zarr v2 group metadata');
    return;
  }
  const name = nodeOf(key).replace(/^\//, '') || '(root)';
  if (file === '.zarray') {
    const a = parse(V2Array, 'Zarr v2 array metadata');
    const dataType = v2DataType(a.dtype);
    const names = [
      ...(a.compressor ? [a.compressor.id] : []),
      ...(a.filters ?? []).map((f) => f.id).filter((id) => id !== 'fixedscaleoffset')
    ].map((id) => `numcodecs.${id}`);
    checkArray(where, name, ctx, {
      shape: a.shape,
      chunks: a.chunks,
      dtype: a.dtype,
      dataType,
      codecs: names,
      fill: a.fill_value
    });
    return;
  }
  const node = parse(V3Node, 'Zarr v3 metadata');
  if (node.node_type === 'group') {
    parse(V3Group, 'Zarr v3 group metadata');
    return;
  }
  const a = parse(V3Array, 'Zarr v3 array metadata');
  const shard = a.codecs.find((c) => c.name === 'sharding_indexed');
  let chunks = a.chunk_grid.configuration.chunk_shape;
  let names = a.codecs.map((c) => c.name);
  if (shard) {
    const r = v.safeParse(Sharding, shard.configuration);
    if (!r.success) fail('Zarr v3 array metadata (sharding_indexed codec)', r.issues);
    else {
      chunks = r.output.chunk_shape;
      names = [
        ...names.filter((n) => n !== 'sharding_indexed'),
        ...r.output.codecs.map((c) => c.name)
      ];
    }
  }
  checkArray(where, name, ctx, {
    shape: a.shape,
    chunks,
    dtype: a.data_type,
    dataType: a.data_type in NUMBER_TYPES ? a.data_type : null,
    codecs: names,
    fill: a.fill_value
  });
}

/** What is checked beyond the schema: rank, number type, chunk size, codecs, fill value. */
function checkArray(
  where: string,
  name: string,
  ctx: MetadataContext,
  a: {
    shape: number[];
    chunks: number[];
    dtype: string;
    dataType: string | null;
    codecs: string[];
    fill: unknown;
  }
) {
  if (a.chunks.length !== a.shape.length)
    throw new ZarrError(
      `Array "${name}" (${where}) has ${a.shape.length} dimensions (shape [${a.shape.join(', ')}]) ` +
        `but chunks of ${a.chunks.length} ([${a.chunks.join(', ')}]). ${DAMAGED}`
    );
  if (!a.dataType)
    throw new ZarrError(
      `Array "${name}" (${where}) holds ${show(a.dtype)}, not numbers; a recording's arrays hold ` +
        'integers or floats (int8…int64, uint8…uint64, float16/32/64). Write it as a number array.'
    );
  if (
    a.dataType === 'float16' &&
    typeof (globalThis as { Float16Array?: unknown }).Float16Array !== 'function'
  )
    throw new ZarrError(
      `Array "${name}" (${where}) holds float16, which this browser cannot read (it has no ` +
        'Float16Array). Store it as float32, or open it in a current Chrome or Firefox.'
    );
  const bytes = a.chunks.reduce((p, n) => p * n, NUMBER_TYPES[a.dataType]);
  if (bytes > MAX_CHUNK_BYTES)
    throw new ZarrError(
      `Array "${name}" (${where}) is stored in chunks of [${a.chunks.map((n) => n.toLocaleString('en-US')).join(', ')}] ` +
        `${a.dataType}, ${fmtBytes(bytes)} each; cellscope reads chunks of at most ` +
        `${fmtBytes(MAX_CHUNK_BYTES)} (one chunk is decoded whole to read any part of it). ` +
        'Rechunk the array into smaller chunks (xarray: ds.chunk(…).to_zarr(…)).'
    );
  const unknown = a.codecs.find((c) => !ctx.codecs.has(c) && c !== 'sharding_indexed');
  if (unknown)
    throw new ZarrError(
      `Array "${name}" (${where}) is encoded with the codec "${unknown.replace(/^numcodecs\./, '')}", ` +
        'which this Zarr reader does not have (it decodes blosc, gzip, lz4, zlib, zstd, shuffle, ' +
        'delta, bitround, crc32c, transpose). Write the array with one of those.'
    );
  const integer = /int/.test(a.dataType);
  if (a.fill != null && integer && !(typeof a.fill === 'number' && Number.isSafeInteger(a.fill)))
    throw new ZarrError(
      `Array "${name}" (${where}) holds ${a.dataType} but its fill value is ${show(a.fill)}, ` +
        `not a whole number. ${DAMAGED}`
    );
}

const METADATA = /(^|\/)(zarr\.json|\.zgroup|\.zattrs|\.zarray)$/;

/** A store whose metadata documents are checked (checkMetadata) as they are read. */
export function checkedStore(inner: AsyncReadable, ctx: MetadataContext): AsyncReadable {
  return {
    async get(key: AbsolutePath, opts?: GetOptions) {
      const bytes = await inner.get(key, opts);
      if (bytes && METADATA.test(key)) checkMetadata(key, bytes, ctx);
      return bytes;
    },
    ...(inner.getRange
      ? {
          getRange: (key: AbsolutePath, range: RangeQuery, opts?: GetOptions) =>
            inner.getRange!(key, range, opts)
        }
      : {})
  };
}
