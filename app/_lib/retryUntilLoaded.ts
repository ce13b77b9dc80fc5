/**
 * A `refetchInterval` for data that changes only on deploy (job catalog, a
 * schedule being edited): read once, and again every `ms` only while the first
 * read has not succeeded — unless `giveUpOn` says the failure is final (an
 * unknown id is not retried).
 */
export function retryUntilLoaded(
  ms: number,
  giveUpOn: (error: unknown) => boolean = () => false,
): (query: {
  readonly state: { readonly data: unknown; readonly error: unknown };
}) => number | false {
  return (query) =>
    query.state.data !== undefined || (query.state.error !== null && giveUpOn(query.state.error))
      ? false
      : ms;
}
