/** A placeholder while a list loads: grey bars, announced once as loading. */
export function LoadingRows({
  rows = 3,
  label,
}: {
  readonly rows?: number;
  readonly label: string;
}) {
  return (
    <div className="skeleton" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: identical placeholder rows
        <div key={index} className="skeleton__row" />
      ))}
    </div>
  );
}
