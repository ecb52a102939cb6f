import type { Metadata } from "next";
import { InboxPageClient } from "./page-client";

// The client sets "(3) Inbox" once it knows the unread count.
export const metadata: Metadata = { title: { absolute: "Inbox" } };

export default function InboxPage() {
  return <InboxPageClient />;
}
