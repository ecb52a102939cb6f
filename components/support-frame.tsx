"use client";
// Every support page: the app header (Support marked), and the page only for support staff.
import type { ReactNode } from "react";
import { ApiError } from "@/lib/api/errors";
import { useSupportAccess } from "@/lib/hooks/use-support-access";
import { useUnreadCount } from "@/lib/hooks/use-unread-count";
import { AppHeader } from "./app-header";
import type { Session } from "./signed-in-app";
import { SupportOnlyState } from "./support-only-state";
import { SkipLink } from "./skip-link";

/** The service's 403: the caller is not (or no longer) support staff. */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

export function SupportFrame({ session, children }: { session: Session; children: ReactNode }) {
  const { account } = session;
  const unread = useUnreadCount();
  const { isSupport } = useSupportAccess();
  let content: ReactNode;
  if (isSupport === undefined) {
    content = (
      <p className="state" role="status">
        Checking your access…
      </p>
    );
  } else if (!isSupport) {
    content = <SupportOnlyState />;
  } else {
    content = children;
  }
  return (
    <>
      <SkipLink to="main" />
      <AppHeader name={account.name ?? account.username} upn={account.username} unreadCount={unread.count} onSignOut={session.signOut} current="support" />
      <main className="shell support" id="main" tabIndex={-1}>
        {content}
      </main>
    </>
  );
}
