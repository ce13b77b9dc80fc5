import Link from "next/link";

export default function NotFound() {
  return (
    <section className="notice">
      <h1 className="page-title">Page not found</h1>
      <p>
        There is nothing at this address. <Link href="/">Back to the overview</Link>
      </p>
    </section>
  );
}
