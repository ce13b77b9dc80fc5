import type { Metadata } from "next";
import { Suspense } from "react";
import { SignInForm } from "./SignInForm.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <main id="main" className="auth-screen">
      <Suspense fallback={null}>
        <SignInForm />
      </Suspense>
    </main>
  );
}
