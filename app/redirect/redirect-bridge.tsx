"use client";
import Link from "next/link";
import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge";
import { useEffect, useState } from "react";
import { SkipLink } from "@/components/skip-link";

export function RedirectBridge() {
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    broadcastResponseToMainFrame().catch(() => setFailed(true));
  }, []);
  return (
    <>
      <SkipLink to="main" />
      <main className="landing" id="main" tabIndex={-1}>
        {failed ? (
          <>
            <h1>Sign-in did not complete</h1>
            <p>This page only finishes a sign-in, and there was none to finish.</p>
            <Link className="btn btn-primary" href="/">
              Go to your inbox
            </Link>
          </>
        ) : (
          <p role="status">Signing you in…</p>
        )}
      </main>
    </>
  );
}
