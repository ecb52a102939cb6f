"use client";
// What a signed-out visitor sees: what this is, and one way in.
import { useState } from "react";
import { BrandMark } from "./brand-mark";
import { SkipLink } from "./skip-link";

/** The inbox's landing, for whoever is not signed in (the page at /, and the signed-in app without an account). */
export const INBOX_LANDING = {
  heading: "Your notifications, in one inbox",
  lead: "Inbox keeps what your apps have sent you — builds, approvals, reminders — for 30 days, in sync across every device you use.",
} as const;

/** After signing out (/signed-out). */
export const SIGNED_OUT_LANDING = {
  heading: "You're signed out",
  lead: "Your session on this device has ended. Notifications keep arriving, and they'll be here when you sign in again.",
} as const;

interface LandingProps {
  heading: string;
  lead: string;
  onSignIn: () => Promise<void>;
  identityProvider: "local" | "entra";
}

export function Landing({ heading, lead, onSignIn, identityProvider }: LandingProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn() {
    setBusy(true);
    setError(null);
    try {
      await onSignIn();
    } catch (e) {
      setBusy(false);
      setError(e instanceof Error ? e.message : "Sign-in could not start.");
    }
  }

  return (
    <>
      <SkipLink to="main" />
      <main className="landing" id="main" tabIndex={-1}>
        <BrandMark className="landing-mark" />
        <h1>{heading}</h1>
        <p>{lead}</p>
        <ul>
          <li>Every notification your apps sent you in the last 30 days, newest first.</li>
          <li>Read, dismiss or delete once, and every device you use agrees.</li>
          <li>Search and filter by app group.</li>
        </ul>
        <button type="button" className="btn btn-primary" onClick={signIn} disabled={busy}>
          Sign in
        </button>
        {identityProvider === "local" && (
          <p>This is the local demo: sign-in goes to the bundled identity provider, where you pick a demo account.</p>
        )}
        {error && <p role="alert">{error}</p>}
      </main>
    </>
  );
}
