#!/usr/bin/env node
/**
 * npm run analyze -- rank --recording DIR (--track FILE.csv --column NAME | --builtin ID | --regex REGEX)
 *                         [--streams L0.fwd.c,...] [--metric auto|auc|pearson|spearman] [--top N] [--json]
 * npm run analyze -- atlas --recording DIR [--tracks FILE.csv] [--builtins suggested|all|none] [--json]
 */
import { runAnalyze } from './analyzeMain';

process.exitCode = await runAnalyze(process.argv.slice(2));
