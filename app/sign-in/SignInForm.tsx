"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import { BrandMark } from "../_components/AppShell.tsx";
import { Field } from "../_components/Field.tsx";
import { toApiError } from "../_lib/apiError.ts";
import { useTRPC } from "../_lib/trpcClient.ts";

/** Only paths on this site: `next=https://elsewhere` must not turn sign-in into a redirector. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInForm() {
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const login = useMutation(trpc.auth.login.mutationOptions());
  const searchParams = useSearchParams();
  const next = safeNext(searchParams.get("next"));
  // Sent here from an open page whose session ran out (trpcClient.ts).
  const sessionEnded = searchParams.get("ended") === "1";
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim() || !password) {
      setError("Enter your user name and password.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      await login.mutateAsync({ name: name.trim(), password });
      queryClient.clear(); // who is signed in changed: nothing read before holds
      router.replace(next);
    } catch (cause) {
      const apiError = toApiError(cause);
      setError(
        apiError.code === "UNAUTHORIZED" || apiError.code === "BAD_REQUEST"
          ? "That user name and password do not match. Check them and try again."
          : apiError.message,
      );
      setPending(false);
    }
  };

  return (
    <div className="auth-card">
      <div className="auth-card__brand">
        <BrandMark />
        <span>Docket</span>
      </div>
      <h1 className="auth-card__title">Sign in</h1>
      <p className="muted auth-card__lead">Run, watch and restore batch jobs on your catalog.</p>
      <form className="form" onSubmit={submit} noValidate>
        {error ? (
          <div className="notice notice--error" role="alert">
            {error}
          </div>
        ) : sessionEnded ? (
          <div className="notice notice--info" role="status">
            Your session has ended. Sign in again to carry on where you were.
          </div>
        ) : null}
        <Field id="sign-in-name" label="User name">
          {(control) => (
            <input
              {...control}
              type="text"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              // biome-ignore lint/a11y/noAutofocus: the page has one job, and it starts here
              autoFocus
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field id="sign-in-password" label="Password">
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
