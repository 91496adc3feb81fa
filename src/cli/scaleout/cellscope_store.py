"""Open a cellscope recording's Zarr store (npm run record -- --zarr STORE) as an xarray Dataset.

    from cellscope_store import open_store
    ds = open_store('rec.zarr')          # a Dataset of lazy dask arrays, one read per chunk
    ds['L0.fwd.h']                       # (time, unit) float32
    ds.attrs['cellscope']['documents']   # each document's name, first step and characters

A Zarr v2 store (--zarr-version 2) opens with xarray.open_zarr, as any v2 store does.

A Zarr v3 store (the default) needs zarr-python 3 to open with xarray, and Debian 12 ships
zarr-python 2.13, whose v3 support is an experimental draft that predates the final v3 spec and
cannot read it. So this module reads v3 stores itself, which is short because of what cellscope
writes: a regular chunk grid, chunk keys c/<i>/<j>, and one codec, `bytes` (raw little-endian, no
compression). Each chunk file becomes one block of a dask array (numpy.fromfile, reshaped); a
missing chunk file is the fill value, as the spec says. A v3 array with any other codec, grid or
key encoding (a store rewritten by another tool) is refused, naming the array: open that one with
zarr-python 3 (xarray.open_zarr(path, zarr_format=3)).
"""
import json
from pathlib import Path

import dask.array as da
import numpy as np
import xarray as xr

# Zarr v3 data types cellscope writes (and a few more of the same kind), as little-endian numpy.
V3_DTYPES = {
    'bool': '|b1', 'int8': '|i1', 'uint8': '|u1', 'int16': '<i2', 'uint16': '<u2',
    'int32': '<i4', 'uint32': '<u4', 'int64': '<i8', 'uint64': '<u8',
    'float32': '<f4', 'float64': '<f8',
}


class StoreError(Exception):
    """A store this module cannot open, with what is wrong and what to do."""


class V3Chunks:
    """The chunk files of one uncompressed Zarr v3 array, as an array-like for dask.array.from_array."""

    def __init__(self, path, meta):
        self.path = Path(path)
        self.shape = tuple(meta['shape'])
        self.ndim = len(self.shape)
        self.chunk_shape = tuple(meta['chunk_grid']['configuration']['chunk_shape'])
        self.dtype = np.dtype(V3_DTYPES[meta['data_type']])
        self.fill = meta.get('fill_value') or 0

    def __getitem__(self, index):
        # dask asks for one block at a time: slices on the chunk grid (the last one shorter).
        starts = [s.start or 0 for s in index]
        if any(at % c for at, c in zip(starts, self.chunk_shape)):
            raise StoreError(f'{self.path}: a read off the chunk grid ({index}); read whole chunks')
        key = self.path.joinpath('c', *(str(at // c) for at, c in zip(starts, self.chunk_shape)))
        if key.exists():
            data = np.fromfile(key, dtype=self.dtype)
            if data.size != np.prod(self.chunk_shape):
                raise StoreError(f'{key} holds {data.size} values, not a chunk of {self.chunk_shape}')
            data = data.reshape(self.chunk_shape)
        else:
            data = np.full(self.chunk_shape, self.fill, self.dtype)
        return data[tuple(slice(0, (s.stop or n) - at) for s, at, n in zip(index, starts, self.shape))]


def _v3_array(path, name):
    meta = json.loads(Path(path, 'zarr.json').read_text())
    codecs = meta.get('codecs', [])
    endian = (codecs[0].get('configuration') or {}).get('endian', 'little') if codecs else None
    problems = [
        meta.get('node_type') != 'array' and 'not an array',
        meta.get('data_type') not in V3_DTYPES and f"data type {meta.get('data_type')}",
        meta.get('chunk_grid', {}).get('name') != 'regular' and 'a chunk grid that is not regular',
        meta.get('chunk_key_encoding', {}).get('name') != 'default' and 'another chunk key encoding',
        (meta.get('chunk_key_encoding', {}).get('configuration') or {}).get('separator', '/') != '/'
        and "chunk keys not separated by '/'",
        (len(codecs) != 1 or codecs[0].get('name') != 'bytes' or endian != 'little')
        and f'codecs {[c.get("name") for c in codecs]} (this reader takes only "bytes", little-endian)',
    ]
    problems = [p for p in problems if p]
    if problems:
        raise StoreError(
            f'{path}: {", ".join(problems)}. This reader opens the uncompressed v3 stores cellscope '
            'writes; open this one with zarr-python 3 (xarray.open_zarr(path, zarr_format=3)).'
        )
    chunks = V3Chunks(path, meta)
    data = da.from_array(
        chunks, chunks=chunks.chunk_shape, name=f'cellscope-{Path(path).resolve()}',
        lock=False, asarray=False, meta=np.empty((0,) * chunks.ndim, chunks.dtype),
    )
    dims = meta.get('dimension_names') or [f'{name}_{i}' for i in range(chunks.ndim)]
    return xr.Variable(dims, data, attrs=meta.get('attributes') or {})


def open_store(path):
    """The store at `path` as an xarray Dataset of lazy dask arrays; attrs['cellscope'] holds the manifest."""
    path = Path(path)
    if (path / '.zgroup').exists():
        ds = xr.open_zarr(str(path), consolidated=False, mask_and_scale=False)
        if 'cellscope' not in ds.attrs:
            raise StoreError(f'{path} is a Zarr v2 store but not a cellscope recording (no cellscope attributes)')
        return ds
    group = path / 'zarr.json'
    if not group.exists():
        raise StoreError(
            f'{path} holds neither zarr.json (Zarr v3) nor .zgroup (Zarr v2): no finished store '
            '(a store recorded in shards is finished by npm run record -- ... --finalize)'
        )
    meta = json.loads(group.read_text())
    attrs = (meta.get('attributes') or {}).get('cellscope')
    if meta.get('node_type') != 'group' or not attrs:
        raise StoreError(f'{path} is a Zarr v3 store but not a cellscope recording (no cellscope attributes)')
    names = [s['id'] for s in attrs['streamSpecs']] + ['tokens', 'offsets']
    if attrs.get('lm'):
        names += ['lm_loss', 'lm_top_ids', 'lm_top_probs']
    return xr.Dataset({n: _v3_array(path / n, n) for n in names}, attrs={'cellscope': attrs})
