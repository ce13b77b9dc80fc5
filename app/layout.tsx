import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "./_components/SiteHeader.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Docket", template: "%s — Docket" },
  description: "Run, watch and abort Docket jobs.",
};

export default function RootLayout({ children }: { readonly children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="page">
          {children}
        </main>
      </body>
    </html>
  );
}
