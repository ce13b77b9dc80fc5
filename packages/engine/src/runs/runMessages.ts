/**
 * Pieces of the sentences errors say about runs. Staff read them in the
 * designer, which names runs by the first 8 characters of their id.
 */

/** A run's id as the designer shows it: its first 8 characters. */
export function shortRunId(id: string): string {
  return id.slice(0, 8);
}

/** An instant in a message, to the minute: `2026-12-07 14:03 UTC`. */
export function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "This run was already restored by run 1a2b3c4d on 2026-12-07 14:03 UTC." */
export function alreadyRestoredMessage(restore: { readonly runId: string; readonly at: Date }) {
  return `This run was already restored by run ${shortRunId(restore.runId)} on ${formatInstant(restore.at)}.`;
}

/** A message's text without its closing full stop, to go on within a sentence. */
export function withoutFullStop(text: string): string {
  return text.replace(/[.\s]+$/, "");
}
