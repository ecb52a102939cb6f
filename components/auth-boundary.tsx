"use client";
// Loads the runtime configuration, creates MSAL, and renders its children inside MsalProvider once
// MSAL has finished any sign-in that just came back; until then, the app's frame (as the server sent
// it). Pages that must stay outside MSAL (the redirect bridge, a landing) simply don't use it.
import { MsalProvider, useMsal } from "@azure/msal-react";
import { InteractionStatus } from "@azure/msal-browser";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { AuthRuntimeContext } from "@/lib/auth/auth-runtime-context";
import { getAuthRuntime, type AuthRuntime } from "@/lib/auth/msal-instance";
import { AppShellSkeleton } from "./app-shell-skeleton";
import { ErrorState } from "./error-state";
import { SkipLink } from "./skip-link";

function Splash({ label }: { label: string }) {
  return (
    <div className="splash" role="status" aria-live="polite">
      {label}
    </div>
  );
}

function WhenSettled({ children }: { children: ReactNode }) {
  const { inProgress } = useMsal();
  // Until MSAL has processed a returning redirect, "signed out" would be a lie that flashes.
  if (inProgress === InteractionStatus.HandleRedirect) return <Splash label="Signing you in…" />;
  if (inProgress === InteractionStatus.Startup) return <AppShellSkeleton />;
  return <>{children}</>;
}

export function AuthBoundary({ children }: { children: ReactNode }) {
  const [runtime, setRuntime] = useState<AuthRuntime | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const load = useCallback(() => {
    getAuthRuntime().then(setRuntime, (e: unknown) => setError(e instanceof Error ? e : new Error(String(e))));
  }, []);

  useEffect(load, [load]);

  const retry = () => {
    setError(null);
    load();
  };

  if (error) {
    return (
      <>
        <SkipLink to="main" />
        <main className="shell" id="main" tabIndex={-1}>
          <ErrorState title="The app could not start" error={error} onRetry={retry} />
        </main>
      </>
    );
  }
  if (!runtime) return <AppShellSkeleton />;
  return (
    <AuthRuntimeContext.Provider value={runtime}>
      <MsalProvider instance={runtime.msal}>
        <WhenSettled>{children}</WhenSettled>
      </MsalProvider>
    </AuthRuntimeContext.Provider>
  );
}
