/** Save a blob as a file the browser downloads (made in the page: no request leaves it). */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/**
 * A title or name made safe as a file name stem: each run of characters other than letters,
 * digits, `_`, `.` and `-` becomes one `-`, none at either end, at most 80 characters; `fallback`
 * when nothing is left.
 */
export function safeFileStem(name: string, fallback: string): string {
  return (
    name
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || fallback
  );
}
