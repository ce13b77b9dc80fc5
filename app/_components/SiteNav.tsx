"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const links = [
  { href: "/", label: "Overview", matches: (path: string) => path === "/" },
  { href: "/#jobs", label: "Jobs", matches: (path: string) => path.startsWith("/jobs/") },
  { href: "/#runs", label: "Runs", matches: (path: string) => path.startsWith("/runs/") },
] as const;

export function SiteNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="site-nav">
      <ul>
        {links.map((link) => (
          <li key={link.href}>
            <Link href={link.href} aria-current={link.matches(pathname) ? "page" : undefined}>
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
