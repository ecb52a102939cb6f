"use client";
// The inbox's first screen: the landing (server-rendered, no MSAL) or, for a returning session, the
// signed-in inbox, whose code and MSAL load only then.
import dynamic from "next/dynamic";
import { AppShellSkeleton } from "@/components/app-shell-skeleton";
import { INBOX_LANDING, Landing } from "@/components/landing";
import { SessionGate } from "@/components/session-gate";
import { returningSession } from "@/lib/auth/session-hint";
import { startSignIn } from "@/lib/auth/start-sign-in";
import type { IdentityProviderKind } from "@/lib/runtime-config";

const loadInboxPage = () => import("./page-client").then((m) => m.InboxPageClient);
// A returning session needs the signed-in page: start fetching it while React hydrates the frame.
if (returningSession()) void loadInboxPage();

const InboxPageClient = dynamic(loadInboxPage, {
  ssr: false,
  loading: () => <AppShellSkeleton />,
});

export function InboxPageStart({ identityProvider }: { identityProvider: IdentityProviderKind }) {
  return (
    <SessionGate
      landing={<Landing {...INBOX_LANDING} identityProvider={identityProvider} onSignIn={startSignIn} />}
      signedIn={<InboxPageClient />}
    />
  );
}
