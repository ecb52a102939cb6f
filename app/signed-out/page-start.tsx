"use client";
// /signed-out's first screen: the landing with no MSAL (the usual case: sign-out cleared MSAL's
// session), or, while MSAL still has one or a sign-out is coming back, the page with MSAL.
import dynamic from "next/dynamic";
import { AppShellSkeleton } from "@/components/app-shell-skeleton";
import { Landing, SIGNED_OUT_LANDING } from "@/components/landing";
import { SessionGate } from "@/components/session-gate";
import { returningSession } from "@/lib/auth/session-hint";
import { startSignIn } from "@/lib/auth/start-sign-in";
import { useBarePath } from "@/lib/hooks/use-bare-path";
import type { IdentityProviderKind } from "@/lib/runtime-config";

const loadSignedOutPage = () => import("./page-client").then((m) => m.SignedOutPageClient);
if (returningSession()) void loadSignedOutPage();

const SignedOutPageClient = dynamic(loadSignedOutPage, {
  ssr: false,
  loading: () => <AppShellSkeleton />,
});

function SignedOutLanding({ identityProvider }: { identityProvider: IdentityProviderKind }) {
  // With MSAL, the page does this once MSAL has read the address.
  useBarePath(!returningSession());
  return <Landing {...SIGNED_OUT_LANDING} identityProvider={identityProvider} onSignIn={startSignIn} />;
}

export function SignedOutPageStart({ identityProvider }: { identityProvider: IdentityProviderKind }) {
  return <SessionGate landing={<SignedOutLanding identityProvider={identityProvider} />} signedIn={<SignedOutPageClient />} />;
}
