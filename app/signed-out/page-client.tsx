"use client";
// /signed-out with MSAL: where the provider's sign-out comes back to (MSAL finishes it), or a bookmark
// opened while still signed in.
import Link from "next/link";
import { useIsAuthenticated } from "@azure/msal-react";
import { AuthBoundary } from "@/components/auth-boundary";
import { Landing, SIGNED_OUT_LANDING } from "@/components/landing";
import { useAuthRuntime } from "@/lib/auth/auth-runtime-context";
import { signIn } from "@/lib/auth/token";
import { useBarePath } from "@/lib/hooks/use-bare-path";
import { SkipLink } from "@/components/skip-link";

function SignedOut() {
  const { msal, config } = useAuthRuntime();
  const signedIn = useIsAuthenticated();

  // MSAL has read the provider's `state` by now.
  useBarePath();
  if (signedIn) {
    // Reached by a bookmark while still signed in: nothing to sign in to.
    return (
      <>
        <SkipLink to="main" />
        <main className="landing" id="main" tabIndex={-1}>
          <h1>You&apos;re still signed in</h1>
          <Link className="btn btn-primary" href="/">
            Go to your inbox
          </Link>
        </main>
      </>
    );
  }
  return <Landing {...SIGNED_OUT_LANDING} identityProvider={config.identityProvider} onSignIn={() => signIn(msal, config.scopes)} />;
}

export function SignedOutPageClient() {
  return (
    <AuthBoundary>
      <SignedOut />
    </AuthBoundary>
  );
}
