import Link from "next/link";

interface BreadcrumbsProps {
  /** Links between the overview and the current page. */
  readonly trail: readonly { readonly href: string; readonly label: string }[];
  readonly current: string;
}

export function Breadcrumbs({ trail, current }: BreadcrumbsProps) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        <li>
          <Link href="/">Overview</Link>
        </li>
        {trail.map((item) => (
          <li key={item.href}>
            <Link href={item.href}>{item.label}</Link>
          </li>
        ))}
        <li aria-current="page">{current}</li>
      </ol>
    </nav>
  );
}
