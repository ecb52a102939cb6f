import type { Metadata } from "next";
import { SupportTimelinePageClient } from "./page-client";

export const metadata: Metadata = { title: "Delivery timeline" };

export default async function SupportTimelinePage({ params }: { params: Promise<{ id: string; nid: string }> }) {
  const { id, nid } = await params;
  return <SupportTimelinePageClient userId={decodeURIComponent(id)} notificationId={decodeURIComponent(nid)} />;
}
