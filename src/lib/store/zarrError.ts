/** Why a Zarr store cannot be opened, said so that the user knows what is wrong and what to do. */
export class ZarrError extends Error {
  override name = 'ZarrError';
}
