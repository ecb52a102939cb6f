"use client";
import { useState } from "react";
import { AuthBoundary } from "@/components/auth-boundary";
import { SignedInApp, type Session } from "@/components/signed-in-app";
import { SupportFrame, isForbidden } from "@/components/support-frame";
import { SupportOnlyState } from "@/components/support-only-state";
import { UserSearch } from "@/components/user-search";
import { useDirectorySearch } from "@/lib/hooks/use-directory-search";
import { useDocumentTitle } from "@/lib/hooks/use-document-title";

function FindUser() {
  const [text, setText] = useState("");
  const search = useDirectorySearch(text);
  if (isForbidden(search.error)) return <SupportOnlyState />;
  return (
    <>
      <h1 className="settings-title">Support</h1>
      <p className="settings-lead">
        Find a user to see their inbox, their devices and how each notification was delivered. You will be asked why; every look is logged and shown to the user.
      </p>
      <UserSearch
        text={text}
        onTextChange={setText}
        query={search.query}
        users={search.users}
        hasMore={search.hasMore}
        error={search.error}
        isSearching={search.isSearching}
        onRetry={() => void search.retry()}
      />
    </>
  );
}

function Support({ session }: { session: Session }) {
  useDocumentTitle("Support · Inbox");
  return (
    <SupportFrame session={session}>
      <FindUser />
    </SupportFrame>
  );
}

export function SupportPageClient() {
  return (
    <AuthBoundary>
      <SignedInApp>{(session) => <Support session={session} />}</SignedInApp>
    </AuthBoundary>
  );
}
