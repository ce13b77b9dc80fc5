import Link from "next/link";
import { SiteNav } from "./SiteNav.tsx";

export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="site-header__brand">
          Docket
        </Link>
        <SiteNav />
      </div>
    </header>
  );
}
