/**
 * `record`: run a model over a text (tokenized, chunked, state carried) or over feeds given exactly
 * as the graph expects them, and write one float32 .npy per stream plus the model's own outputs and
 * a manifest. Shares the recorder core with the browser worker.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeNpy } from '../lib/export/npy';
import { checkNoExternalData } from '../lib/onnx/checks';
import { decodeModel, ModelFormatError } from '../lib/onnx/proto';
import { untrainedTwin } from '../lib/onnx/reinit';
import { prepareForRecording, type RecordingGraph } from '../lib/onnx/surgery';
import { checkFeeds, planFeedRun } from '../lib/record/feeds';
import { KINDS, needsInternals, parseKinds, type StreamKind } from '../lib/record/streams';
import { tokenTensor } from '../lib/record/core';
import { windowFeeds } from '../lib/record/windows';
import { probeTensors } from '../lib/recorder/probe';
import { ScanCellEngine } from '../lib/record/cellEngine';
import { runIntervenedStep } from '../lib/record/interveneStep';
import {
  checkInterventions,
  InterventionError,
  type Intervention
} from '../lib/record/intervention';
import { runStep, type SessionLike, type TensorCtor } from '../lib/record/step';
import { sha256 } from '../lib/store/hash';
import type { DocumentSplit } from '../lib/tokenize/documents';
import { createTokenizer } from '../lib/tokenize/tokenizer';
import { csvFeed, readFeeds } from './feedInputs';
import { InputError, readFile } from './inputFiles';
import { OutputDir } from './outputDir';
import { fileName, savedTensors, writeTensor, type FileEntry } from './recordOutputs';
import {
  prepareText,
  readCorpus,
  recordText,
  tokenizerSpec,
  type TextInput,
  type ZarrLm
} from './recordText';
import { storeAttributes } from './storeAttributes';
import type { ZarrStoreWriter, ZarrVersion } from './zarrStore';

export { InputError } from './inputFiles';

export interface RecordCommandOptions {
  model: string;
  out: string;
  /** Write into a non-empty --out (replacing the recording there) and replace a --zarr store. */
  force?: boolean;
  text?: string;
  /** Float features, one row per timestep, for models whose input is not token ids. */
  csv?: string;
  vocab?: string;
  tokenizer?: 'char' | 'word';
  feeds?: string[];
  /** Named tensors to record as they are, written as tap.<name>.npy. */
  tap?: string[];
  streams?: string;
  chunk?: number;
  /** Also write the streams as a Zarr store in this directory (text mode). */
  zarr?: string;
  /** The Zarr format of that store: 3 (default) or 2. */
  zarrVersion?: ZarrVersion;
  /** Units clamped while recording (--clamp): the intervened model is what gets written. */
  clamps?: Intervention[];
  /** Record the model's untrained twin (every float weight re-drawn) drawn with this seed. */
  untrainedTwin?: number;
  /** How the text splits into documents (default: the whole text is one). */
  documents?: DocumentSplit;
  /** Record only shard k of n of the documents into the --zarr store (recordShard.ts). */
  shard?: { k: number; n: number };
  /** Documents recorded side by side, as lanes of one batch (recordParallel.ts); default 1. */
  parallel?: number;
  /** Complete a --zarr store whose shards are all recorded (finalizeShards.ts). */
  finalize?: boolean;
}

/** What the manifest says of an untrained twin: its seed and the trained model it was drawn from. */
export interface TwinEntry {
  seed: number;
  of: string;
  redrawnTensors: number;
}

/** The model file's bytes, or its untrained twin's when --untrained-twin is given. */
async function modelBytes(opts: RecordCommandOptions) {
  const file = new Uint8Array(readFile(opts.model, 'model'));
  if (opts.untrainedTwin === undefined) return { bytes: file, twin: null };
  const of = await sha256(file);
  const twin = untrainedTwin(file, opts.untrainedTwin, of);
  const redrawnTensors = twin.tensors.filter((t) => t.redrawn).length;
  return { bytes: twin.bytes, twin: { seed: opts.untrainedTwin, of, redrawnTensors } };
}

export interface OrtNode {
  InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<SessionLike> };
  Tensor: TensorCtor;
}

/** Intervened layers run as onnxruntime Scans (record/cellEngine.ts). */
export const scanEngine = (ort: OrtNode) =>
  new ScanCellEngine((bytes) => ort.InferenceSession.create(bytes), ort.Tensor);

export async function openSession(ort: OrtNode, graph: RecordingGraph): Promise<SessionLike> {
  try {
    return await ort.InferenceSession.create(graph.bytes);
  } catch (e) {
    throw new InputError(
      `onnxruntime cannot load this model: ${(e as Error).message.split('\n')[0]} ` +
        '(an operator it does not support, or an invalid graph).'
    );
  }
}

/** A run that failed after it started writing, with what was removed again. */
export class RunStopped extends Error {
  override name = 'RunStopped';
}

/** Refuse stream kinds no layer of the model has (a list that records nothing of them). */
function checkKindsFit(spec: string | undefined, kinds: Set<StreamKind>, graph: RecordingGraph) {
  if (!spec || spec === 'all' || !graph.taps.length) return;
  const ops = [...new Set(graph.taps.map((t) => t.op))];
  const has = new Set(ops.flatMap((op) => KINDS[op]));
  const missing = [...kinds].filter((k) => !has.has(k));
  if (missing.length) {
    throw new InputError(
      `--streams ${JSON.stringify(spec)}: no layer of this model has ${missing.join(', ')}; ` +
        ops.map((op) => `its ${op} layers have ${KINDS[op].join(', ')}`).join('; ') +
        '.'
    );
  }
}

/** A feed run, in memory: nothing is written until it has succeeded. */
async function runFeeds(
  opts: RecordCommandOptions,
  ort: OrtNode,
  graph: RecordingGraph,
  session: SessionLike
) {
  const feeds = {
    ...(opts.csv ? csvFeed(opts.csv, ort, graph) : {}),
    ...readFeeds(opts.feeds ?? [], ort)
  };
  checkFeeds(graph.info, feeds);
  const kinds = parseKinds(opts.streams ?? 'all');
  const input = planFeedRun(graph.info, graph.taps, feeds);
  const step = opts.clamps
    ? await runIntervenedStep(session, ort.Tensor, graph.taps, input, null, kinds, opts.clamps, 0, {
        cells: graph.cells,
        engine: scanEngine(ort)
      })
    : await runStep(session, ort.Tensor, graph.taps, input, null, kinds, graph.cells);
  return { input, step };
}

function writeFeeds(
  opts: RecordCommandOptions,
  graph: RecordingGraph,
  { input, step }: Awaited<ReturnType<typeof runFeeds>>
) {
  const streams: FileEntry[] = [];
  step.streams.forEach((perBatch, b) => {
    for (const [id, data] of Object.entries(perBatch)) {
      const name = step.streams.length > 1 ? `b${b}.${id}` : id;
      const shape = [data.length / step.units[id], step.units[id]];
      writeFileSync(join(opts.out, fileName(name)), writeNpy(data, shape));
      streams.push({ name, file: fileName(name), shape, dtype: 'float32' });
    }
  });
  const outputs = savedTensors(graph, opts).map((o) =>
    writeTensor(opts.out, o.name, step.outputs[o.name], o.file)
  );
  return { mode: 'feed', batch: input.batch, lengths: step.lengths, streams, outputs };
}

/** The model (or its untrained twin) read, checked and prepared for recording the asked streams. */
export async function prepareModel(opts: RecordCommandOptions) {
  const { bytes, twin } = await modelBytes(opts);
  const model = decodeModel(bytes);
  checkNoExternalData(model);
  const kinds = parseKinds(opts.streams ?? 'all');
  let graph: RecordingGraph;
  try {
    graph = prepareForRecording(model, {
      internals: needsInternals(kinds),
      outputGate: kinds.has('o'),
      tensors: opts.tap,
      overrides: !!opts.clamps
    });
    if (opts.clamps) checkInterventions(graph.taps, opts.clamps);
  } catch (e) {
    if (e instanceof ModelFormatError || e instanceof InterventionError)
      throw new InputError(e.message);
    throw e;
  }
  checkKindsFit(opts.streams, kinds, graph);
  if (opts.clamps && graph.window)
    throw new InputError(
      `--clamp needs a model that takes any number of tokens; this model's graph takes exactly ${graph.window.steps}.`
    );
  return { bytes, twin, graph, kinds };
}

/**
 * Record, after checking every input and both output directories; the directories are made only
 * once the inputs are known to be good, and a run that fails after that removes what it wrote.
 */
export async function recordCommand(opts: RecordCommandOptions, ort: OrtNode) {
  if (!opts.model || !opts.out) throw new InputError('--model and --out are required.');
  if (!opts.text && !opts.csv && !opts.feeds?.length) {
    throw new InputError('Give --text corpus.txt, --csv features.csv or --feed NAME=file.npy.');
  }
  if (opts.text && (opts.feeds?.length || opts.csv)) {
    throw new InputError('Give either --text or --feed/--csv, not both.');
  }
  const out = new OutputDir(opts.out, '--out', 'recording', !!opts.force);
  const zarrDir = opts.zarr ? new OutputDir(opts.zarr, '--zarr', 'zarr', !!opts.force) : null;
  if (zarrDir) OutputDir.checkApart(out, zarrDir);
  const { bytes, twin, graph, kinds } = await prepareModel(opts);
  const textInput = opts.text ? prepareText(opts, graph, bytes) : null;
  const session = await openSession(ort, graph);
  const fed = textInput ? null : await runFeeds(opts, ort, graph, session);
  const dirs = zarrDir ? [out, zarrDir] : [out];
  try {
    for (const d of dirs) d.create();
    return await writeRecording(opts, ort, graph, session, { bytes, twin }, kinds, textInput, fed);
  } catch (e) {
    const removed = dirs
      .reverse()
      .map((d) => d.remove())
      .filter(Boolean);
    const message = (e as Error).message.split('\n')[0].replace(/\.?$/, '.');
    const cleanup = removed.length ? removed.join(' and ') : 'nothing was written';
    throw new RunStopped(`${message} The run stopped; ${cleanup}.`, { cause: e });
  }
}

async function writeRecording(
  opts: RecordCommandOptions,
  ort: OrtNode,
  graph: RecordingGraph,
  session: SessionLike,
  { bytes, twin }: { bytes: Uint8Array; twin: TwinEntry | null },
  kinds: Set<StreamKind>,
  textInput: TextInput | null,
  fed: Awaited<ReturnType<typeof runFeeds>> | null
) {
  const result = textInput
    ? await recordText(opts, ort, graph, session, textInput)
    : writeFeeds(opts, graph, fed!);
  const manifest = {
    format: 'cellscope-record/1',
    createdAt: new Date().toISOString(),
    ...(await modelManifest(opts, graph, bytes, twin)),
    streamKinds: [...kinds],
    ...result
  };
  const { zarr, lm, ...written } = manifest as typeof manifest & {
    zarr?: ZarrStoreWriter | null;
    lm?: ZarrLm | null;
  };
  writeFileSync(join(opts.out, 'manifest.json'), JSON.stringify(written, null, 2));
  if (zarr && textInput) zarr.finish(storeAttributes(written, lm ?? null, opts, textInput));
  return manifest;
}

/** What a recording's manifest says of its model, its twin and the interventions it ran with. */
export async function modelManifest(
  opts: RecordCommandOptions,
  graph: RecordingGraph,
  bytes: Uint8Array,
  twin: TwinEntry | null
) {
  const info = graph.info;
  return {
    model: {
      file: basename(opts.model),
      sha256: await sha256(bytes),
      opsets: info.opsets,
      producer: info.producer,
      inputs: info.inputs,
      outputs: info.outputs,
      parameters: info.parameters,
      layers: info.layers.map((l) => ({
        index: l.index,
        op: l.op,
        direction: l.direction,
        hiddenSize: l.hiddenSize,
        layout: l.layout,
        activations: l.activations,
        linearBeforeReset: l.linearBeforeReset,
        clip: l.clip ?? null,
        peepholes: l.hasPeepholes,
        inputLayer: l.inputLayer
      }))
    },
    ...(twin ? { untrained_twin: twin } : {}),
    ...(opts.clamps ? { interventions: opts.clamps } : {})
  };
}

/**
 * `--list-tensors`: every tensor of the main graph with the shape it takes on the given input
 * (a probe run: feeds as given, or the first 64 tokens of the text).
 */
export async function listTensorsCommand(opts: RecordCommandOptions, ort: OrtNode) {
  const model = decodeModel(new Uint8Array(readFile(opts.model, 'model')));
  checkNoExternalData(model);
  try {
    return await probeTensors(model, ort, (graph) => {
      if (opts.text) {
        const tokenInput = graph.info.tokenInput;
        if (!tokenInput) throw new InputError('The model has no integer token input; use --feed.');
        const text = readCorpus(opts.text);
        const ids = createTokenizer(tokenizerSpec(opts, graph)).encode(text).ids;
        if (graph.window) return windowFeeds(ort.Tensor, tokenInput, graph.window, ids);
        return { [tokenInput.name]: tokenTensor(ort.Tensor, tokenInput, ids.subarray(0, 64)) };
      }
      return {
        ...(opts.csv ? csvFeed(opts.csv, ort, graph) : {}),
        ...readFeeds(opts.feeds ?? [], ort)
      };
    });
  } catch (e) {
    if (e instanceof ModelFormatError) throw new InputError(e.message);
    throw e;
  }
}
