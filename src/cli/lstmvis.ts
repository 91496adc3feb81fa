#!/usr/bin/env node
/**
 * npm run lstmvis -- import PROJECT_DIR --out RECDIR [--stream PATH=ID]... [--force]
 * npm run lstmvis -- export RECDIR --out PROJECT_DIR [--vocab FILE] [--force]
 */
import { runLstmvis } from './lstmvisMain';

process.exitCode = await runLstmvis(process.argv.slice(2));
