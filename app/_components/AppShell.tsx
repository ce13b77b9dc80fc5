"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { institutionsOf, mayChange } from "../_lib/institutions.ts";
import { AuthProvider, type Session } from "./AuthProvider.tsx";
import { Icon, type IconName } from "./Icon.tsx";

interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly icon: IconName;
  readonly adminOnly?: boolean;
  /** Only for users who may change things (not viewers' concern here: the network role). */
  readonly acts?: boolean;
}

const nav: readonly NavItem[] = [
  { href: "/", label: "Dashboard", icon: "dashboard" },
  { href: "/run", label: "Run a job", icon: "run", acts: true },
  { href: "/monitor", label: "Monitor", icon: "monitor" },
  { href: "/workers", label: "Workers", icon: "workers" },
  { href: "/jobs", label: "Jobs", icon: "jobs" },
  { href: "/schedules", label: "Schedules", icon: "schedules" },
  { href: "/workflows", label: "Workflows", icon: "workflows" },
  { href: "/sets", label: "Sets", icon: "sets" },
  { href: "/graph", label: "Dependency graph", icon: "graph" },
  { href: "/admin", label: "Admin", icon: "admin", adminOnly: true },
];

/** Pages outside the signed-in shell. */
const publicPaths = new Set(["/sign-in"]);

function isCurrent(href: string, pathname: string): boolean {
  if (href === "/") return pathname === "/";
  // A run page belongs to the monitor.
  if (href === "/monitor" && pathname.startsWith("/runs/")) return true;
  return pathname === href || pathname.startsWith(`${href}/`);
}

/** The signed-in frame: sidebar navigation, a header with the user, and the page. */
export function AppShell({ children }: { readonly children: ReactNode }) {
  const pathname = usePathname();
  if (publicPaths.has(pathname)) return <>{children}</>;
  return (
    <AuthProvider fallback={<ShellSkeleton />}>
      {(session) => (
        <Frame session={session} pathname={pathname}>
          {children}
        </Frame>
      )}
    </AuthProvider>
  );
}

function Frame({
  session,
  pathname,
  children,
}: {
  readonly session: Session;
  readonly pathname: string;
  readonly children: ReactNode;
}) {
  const { user } = session;
  const items = nav.filter(
    (item) =>
      (!item.adminOnly || user.role === "admin") &&
      // The network role starts nothing; viewers keep the page, which says why they cannot.
      (!item.acts || mayChange(user) || user.role === "viewer"),
  );
  const institutions = institutionsOf(user);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link href="/" className="brand">
          <BrandMark />
          <span>Docket</span>
        </Link>
        <nav aria-label="Main" className="sidebar__nav">
          <ul>
            {items.map((item) => (
              <li key={item.href}>
                <Link
                  href={item.href}
                  className="nav-link"
                  aria-current={isCurrent(item.href, pathname) ? "page" : undefined}
                >
                  <Icon name={item.icon} />
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <p className="sidebar__foot">Workflow-as-code for batch work on records</p>
      </aside>
      <div className="shell__main">
        <header className="topbar">
          {/* A Docket of one institution names none: nothing changes for it. */}
          {institutions.several ? (
            <p className="topbar__institution" data-testid="institution-name">
              <Icon name="institution" />
              {institutions.own.name}
            </p>
          ) : null}
          <div className="topbar__spacer" />
          <div className="user-menu">
            <span className="avatar" aria-hidden="true">
              {initials(user.displayName || user.name)}
            </span>
            <span className="user-menu__who">
              <span className="user-menu__name" data-testid="user-name">
                {user.displayName || user.name}
              </span>
              <span className={`role-tag role-tag--${user.role}`}>{user.role}</span>
            </span>
            <button type="button" className="button button--ghost" onClick={session.signOut}>
              <Icon name="signOut" />
              Sign out
            </button>
          </div>
        </header>
        <main id="main" className="page">
          {children}
        </main>
      </div>
    </div>
  );
}

function ShellSkeleton() {
  return (
    <div className="shell" aria-busy="true">
      <aside className="sidebar">
        <span className="brand">
          <BrandMark />
          <span>Docket</span>
        </span>
      </aside>
      <div className="shell__main">
        <header className="topbar" />
        <main className="page">
          <p className="muted">Checking your session…</p>
        </main>
      </div>
    </div>
  );
}

export function BrandMark() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" className="brand__mark">
      <rect x="2" y="2" width="20" height="20" rx="6" fill="currentColor" />
      <path d="M7 8h10M7 12h7M7 16h4" stroke="#fff" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return (
    parts.length > 1 ? `${parts[0]?.[0]}${parts.at(-1)?.[0]}` : name.slice(0, 2)
  ).toUpperCase();
}
