#!/usr/bin/env node
/**
 * npm run record -- --model M.onnx --out DIR [--force] [--text corpus.txt] [--vocab FILE]
 *                   [--tokenizer char|word] [--feed NAME=file.npy]... [--streams all|h|h,c]
 *                   [--chunk N] [--tap TENSOR]... [--list-tensors] [--zarr DIR [--zarr-version 2|3]]
 *                   [--documents whole|blank-lines|jsonl:FIELD]
 * npm run record -- <the same options, no --out> --zarr STORE (--shard K/N | --finalize)
 */
import * as ort from 'onnxruntime-node';
import type { OrtNode } from './recordCommand';
import { runRecord } from './recordMain';

process.exitCode = await runRecord(process.argv.slice(2), ort as unknown as OrtNode);
