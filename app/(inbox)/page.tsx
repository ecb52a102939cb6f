import type { Metadata } from "next";
import { connection } from "next/server";
import { buildRuntimeConfig } from "@/lib/runtime-config";
import { InboxPageStart } from "./page-start";

// The client sets "(3) Inbox" once it knows the unread count.
export const metadata: Metadata = { title: { absolute: "Inbox" } };

export default async function InboxPage() {
  // Rendered per request: the landing names the identity provider the environment configures now,
  // as /runtime-config does (one build serves the local provider and Entra ID alike).
  await connection();
  return <InboxPageStart identityProvider={buildRuntimeConfig(process.env).identityProvider} />;
}
