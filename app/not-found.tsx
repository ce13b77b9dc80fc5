import Link from "next/link";

export default function NotFound() {
  return (
    <section className="notice" style={{ maxWidth: "36rem" }}>
      <h1 className="page-title">Page not found</h1>
      <p className="muted">
        There is nothing at this address. <Link href="/">Back to the dashboard</Link>
      </p>
    </section>
  );
}
