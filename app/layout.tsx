import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppShell } from "./_components/AppShell.tsx";
import { QueryProvider } from "./_components/QueryProvider.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Docket", template: "%s — Docket" },
  description: "Run, watch and abort batch jobs on library records.",
};

export default function RootLayout({ children }: { readonly children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <QueryProvider>
          <AppShell>{children}</AppShell>
        </QueryProvider>
      </body>
    </html>
  );
}
