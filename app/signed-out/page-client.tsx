"use client";
import Link from "next/link";
import { useEffect } from "react";
import { useIsAuthenticated } from "@azure/msal-react";
import { AuthBoundary } from "@/components/auth-boundary";
import { Landing } from "@/components/landing";
import { useAuthRuntime } from "@/lib/auth/auth-runtime-context";
import { signIn } from "@/lib/auth/token";

function SignedOut() {
  const { msal, config } = useAuthRuntime();
  const signedIn = useIsAuthenticated();

  // The provider returns here with MSAL's `state`; MSAL has read it by now, and the address bar
  // should say just /signed-out (bookmarkable, and what a reload shows).
  useEffect(() => {
    if (window.location.search) window.history.replaceState(null, "", window.location.pathname);
  }, []);
  if (signedIn) {
    // Reached by a bookmark while still signed in: nothing to sign in to.
    return (
      <main className="landing">
        <h1>You&apos;re still signed in</h1>
        <Link className="btn btn-primary" href="/">
          Go to your inbox
        </Link>
      </main>
    );
  }
  return (
    <Landing
      heading="You're signed out"
      lead="Your session on this device has ended. Notifications keep arriving, and they'll be here when you sign in again."
      identityProvider={config.identityProvider}
      onSignIn={() => signIn(msal, config.scopes)}
    />
  );
}

export function SignedOutPageClient() {
  return (
    <AuthBoundary>
      <SignedOut />
    </AuthBoundary>
  );
}
