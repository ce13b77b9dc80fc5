"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { createContext, type ReactNode, useContext, useEffect } from "react";
import { isUnauthorized, toApiError } from "../_lib/apiError.ts";
import { type CurrentUser, useTRPC } from "../_lib/trpcClient.ts";
import { RunActivityFollower } from "./RunActivityFollower.tsx";

/** The signed-in user and how to sign out; every page under the shell may read it. */
export interface Session {
  readonly user: CurrentUser;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** The signed-in user. Only valid under {@link AuthProvider} once it has rendered its children. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() is used outside <AuthProvider>.");
  return session;
}

/** The sign-in page's address that brings the reader back to `path` afterwards. */
export function signInHref(path: string): string {
  return path === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(path)}`;
}

/**
 * The client-side guard: asks `auth.me` who is signed in and sends anonymous
 * readers to `/sign-in?next=<this page>`. The server checks every call anyway;
 * this only spares the reader a page of errors. A session that expires later
 * is caught by the client's link (trpcClient.ts).
 */
export function AuthProvider({
  children,
  fallback,
}: {
  readonly children: (session: Session) => ReactNode;
  readonly fallback: ReactNode;
}) {
  const router = useRouter();
  const trpc = useTRPC();
  // Who is signed in does not change while the page is open (signing in clears the cache).
  const me = useQuery(
    trpc.auth.me.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }),
  );
  const logout = useMutation(trpc.auth.logout.mutationOptions());
  const anonymous = me.error !== null && isUnauthorized(me.error);

  useEffect(() => {
    if (anonymous) {
      router.replace(signInHref(`${window.location.pathname}${window.location.search}`));
    }
  }, [anonymous, router]);

  if (me.isPending || anonymous) return fallback;
  if (me.isError) {
    return (
      <div className="center-screen">
        <div className="notice notice--error" role="alert">
          <p className="notice__title">Cannot reach Docket</p>
          <p>{toApiError(me.error).message}</p>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  const session: Session = {
    user: me.data,
    signOut: async () => {
      try {
        await logout.mutateAsync();
      } finally {
        // The sign-in form clears the cache once someone signs in: clearing it here would
        // have this page ask who is signed in again, and race this navigation.
        router.replace("/sign-in");
      }
    },
  };
  return (
    <SessionContext value={session}>
      <RunActivityFollower />
      {children(session)}
    </SessionContext>
  );
}
