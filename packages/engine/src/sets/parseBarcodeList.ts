/**
 * Barcodes from pasted or uploaded text: one per line, or the first column of
 * a CSV (comma, semicolon or tab separated, optionally quoted). Blank lines and
 * a first line reading `barcode` are skipped; duplicates are kept (the set
 * ignores them).
 *
 * @example
 * parseBarcodeList("barcode\n39000000000001\n 39000000000002 \n\n"); // ["39000000000001", "39000000000002"]
 */
export function parseBarcodeList(text: string): string[] {
  const barcodes: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const first = (line.split(/[,;\t]/, 1)[0] ?? "")
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim();
    if (first === "") continue;
    if (barcodes.length === 0 && first.toLowerCase() === "barcode") continue;
    barcodes.push(first);
  }
  return barcodes;
}
