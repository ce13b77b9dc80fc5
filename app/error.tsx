"use client";

export default function ErrorPage({
  error,
  reset,
}: {
  readonly error: Error;
  readonly reset: () => void;
}) {
  return (
    <section className="notice notice--error" role="alert">
      <h1 className="page-title">Something went wrong</h1>
      <p>{error.message}</p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
