/** Passes `source` through, telling `onBytes` the running total. */
export async function* countBytes(
  source: AsyncIterable<Buffer | string>,
  onBytes: ((sent: number) => void) | undefined,
): AsyncGenerator<Buffer> {
  let sent = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    sent += buffer.length;
    onBytes?.(sent);
    yield buffer;
  }
}
