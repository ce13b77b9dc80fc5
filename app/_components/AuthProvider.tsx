"use client";

import { useRouter } from "next/navigation";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { isUnauthorized, toApiError } from "../_lib/apiError.ts";
import { type CurrentUser, trpc } from "../_lib/trpcClient.ts";

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

type AuthState =
  | { readonly kind: "checking" }
  | { readonly kind: "signed-in"; readonly user: CurrentUser }
  | { readonly kind: "failed"; readonly message: string };

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
  const [state, setState] = useState<AuthState>({ kind: "checking" });

  useEffect(() => {
    const controller = new AbortController();
    trpc.auth.me
      .query(undefined, { signal: controller.signal })
      .then((user) => setState({ kind: "signed-in", user }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (isUnauthorized(error)) {
          router.replace(signInHref(`${window.location.pathname}${window.location.search}`));
        } else {
          setState({ kind: "failed", message: toApiError(error).message });
        }
      });
    return () => controller.abort();
  }, [router]);

  if (state.kind === "checking") return fallback;
  if (state.kind === "failed") {
    return (
      <div className="center-screen">
        <div className="notice notice--error" role="alert">
          <p className="notice__title">Cannot reach Docket</p>
          <p>{state.message}</p>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  const session: Session = {
    user: state.user,
    signOut: async () => {
      try {
        await trpc.auth.logout.mutate();
      } finally {
        router.replace("/sign-in");
      }
    },
  };
  return <SessionContext value={session}>{children(session)}</SessionContext>;
}
