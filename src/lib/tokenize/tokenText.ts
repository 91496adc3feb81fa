/**
 * The texts of n tokens from their start offsets: token i is text[offsets[i], offsets[i + 1]),
 * the last one running to the end of the text when offsets holds no start after it. Read one
 * token past a window to get its last token's end.
 */
export function tokenTexts(text: string, offsets: ArrayLike<number>, n: number): string[] {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const end = i + 1 < offsets.length ? offsets[i + 1] : text.length;
    tokens.push(text.slice(offsets[i], end));
  }
  return tokens;
}
