"use client";
// The first screen of a page a visitor may reach signed out. The server cannot know who is signed in
// (MSAL keeps that in this browser's storage), so it renders both the landing and the app's frame, and
// the layout's inline script shows the right one before the first paint (app/first-screen.css). Once
// hydrated, the same test decides what to load: the signed-in app (MSAL with it) for a returning
// session, nothing more for the landing, whose "Sign in" loads MSAL when pressed.
import { useSyncExternalStore, type ReactNode } from "react";
import { returningSession } from "@/lib/auth/session-hint";
import { AppShellSkeleton } from "./app-shell-skeleton";

const noSubscription = () => () => {};

interface SessionGateProps {
  landing: ReactNode;
  /** The signed-in page: a dynamic import, so its code and MSAL load only when it renders. */
  signedIn: ReactNode;
}

export function SessionGate({ landing, signedIn }: SessionGateProps) {
  // The server (and hydration) renders both; the browser's answer comes right after hydration.
  const returning = useSyncExternalStore(noSubscription, returningSession, () => undefined);
  if (returning) return signedIn;
  return (
    <>
      <div className="start-landing">{landing}</div>
      {returning === undefined && (
        <div className="start-shell">
          <AppShellSkeleton />
        </div>
      )}
    </>
  );
}
