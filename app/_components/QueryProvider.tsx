"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { TRPCProvider, trpcClient } from "../_lib/trpcClient.ts";

/**
 * TanStack Query for the whole designer, with tRPC's procedures on top. A
 * failed read shows its error at once (no silent retries: the reader decides
 * to try again) and a tab coming back to focus does not reload everything;
 * views that must stay fresh say so (`refetchInterval`, live queries).
 */
export function QueryProvider({ children }: { readonly children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { retry: false, refetchOnWindowFocus: false },
          mutations: { retry: false },
        },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
