import { pathToFileURL } from "node:url";

/**
 * The 1-based line of the first frame of `stack` in `file`, or null when no
 * frame is in it. A frame names an imported module by its URL (with the `?v=`
 * a reload of `docket dev` adds), or a file by its path.
 */
export function lineInStack(stack: string, file: string): number | null {
  const url = escapeRegExp(pathToFileURL(file).href);
  const plain = escapeRegExp(file);
  const frame = new RegExp(`(?:${url}|(?<![^\\s(])${plain})(?:\\?[^:\\s]*)?:(\\d+):\\d+`).exec(
    stack,
  );
  return frame ? Number(frame[1]) : null;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
