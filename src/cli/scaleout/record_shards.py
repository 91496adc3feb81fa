#!/usr/bin/env python3
"""Record a corpus in N shards on a Dask cluster, then finalize the store.

    python3 src/cli/scaleout/record_shards.py --shards N [--scheduler ADDRESS] [--workers W]
        [--retries R] -- <the options of npm run record, with --zarr STORE and without --out>

Each shard is one Dask task that runs cellscope's record command with `--shard K/N` (K = 0..N-1)
on whichever worker the scheduler gives it; when all N are done, one more task runs `--finalize`.
Dask only schedules: the shards need no coordination (each writes only its own chunks of the
store; see the README, "Scale out"), so a task that fails can simply run again: `--retries`
(default 1) re-runs it, and a shard that still fails is printed with its one-line error and the
script exits 1 without finalizing (fix the cause, then run the script again: the shards redo
their slices).

Without --scheduler, a LocalCluster on this machine (W threads, each running one record process
at a time; default 2). With --scheduler tcp://host:8786, the cluster's workers run the shards:
every worker must see this cellscope checkout (with node_modules), the model, the corpus and the
store at the same paths (a shared filesystem), and run from the same working directory if the
paths are relative. Debian: apt install python3-dask python3-distributed.
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

CELLSCOPE = Path(__file__).resolve().parents[3]
NOT_HERE = ('--shard', '--finalize', '--out', '--force')


def run_record(cellscope, cwd, args, label):
    """One record command (a shard, or --finalize) as a process; its output line, or its error."""
    command = [
        'node',
        str(Path(cellscope, 'node_modules/tsx/dist/cli.mjs')),
        str(Path(cellscope, 'src/cli/record.ts')),
        *args,
    ]
    r = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f'{label}: {(r.stderr or r.stdout).strip()}')
    return r.stdout.strip()


def parse(argv):
    p = argparse.ArgumentParser(
        description='Record a corpus in N shards on a Dask cluster, then finalize the store.',
        usage='%(prog)s --shards N [--scheduler ADDRESS] [--workers W] [--retries R] -- RECORD OPTIONS',
    )
    p.add_argument('--shards', type=int, required=True, help='N, the number of shards')
    p.add_argument('--scheduler', help='a Dask scheduler address (default: a LocalCluster here)')
    p.add_argument('--workers', type=int, default=2, help='LocalCluster threads (default 2)')
    p.add_argument('--retries', type=int, default=1, help='re-runs of a failed shard (default 1)')
    p.add_argument('--cellscope', default=str(CELLSCOPE), help='the cellscope checkout to run')
    if '--' not in argv:
        p.error('give the record options after --, e.g. -- --model M.onnx --text c.txt --zarr STORE')
    at = argv.index('--')
    opts, record = p.parse_args(argv[:at]), argv[at + 1:]
    if opts.shards < 1:
        p.error(f'--shards must be at least 1, got {opts.shards}')
    if '--zarr' not in record and not any(a.startswith('--zarr=') for a in record):
        p.error('the record options need --zarr STORE: the shards write into one shared Zarr store')
    given = [a for a in record if a.split('=')[0] in NOT_HERE]
    if given:
        p.error(f'{given[0]} is not a record option here: the script adds --shard and --finalize itself, and shards write no --out')
    return opts, record


def main(argv):
    opts, record = parse(argv)
    # Imported once the options are good: a refusal needs no cluster (and dask takes seconds to load).
    from dask.distributed import Client, LocalCluster, as_completed

    n = opts.shards
    cwd = os.getcwd()
    if opts.scheduler:
        client = Client(opts.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=1, threads_per_worker=opts.workers, processes=False, dashboard_address=None
        )
        client = Client(cluster)
    with client:
        shards = [
            client.submit(
                run_record, opts.cellscope, cwd, [*record, '--shard', f'{k}/{n}'], f'shard {k}/{n}',
                key=f'cellscope-shard-{k}-of-{n}', pure=False, retries=opts.retries,
            )
            for k in range(n)
        ]
        failed = []
        for future in as_completed(shards):
            try:
                print(future.result(), flush=True)
            except Exception as e:  # a shard's record command failed: its one line says why
                failed.append(str(e))
        if failed:
            for line in sorted(failed):
                print(line, file=sys.stderr)
            print(f'{len(failed)} of {n} shards failed; the store is not finalized. Fix the cause and run again.', file=sys.stderr)
            return 1
        try:
            print(client.submit(run_record, opts.cellscope, cwd, [*record, '--finalize'], 'finalize', pure=False).result())
        except RuntimeError as e:
            print(e, file=sys.stderr)
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
