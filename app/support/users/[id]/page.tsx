import type { Metadata } from "next";
import { SupportUserPageClient } from "./page-client";

export const metadata: Metadata = { title: "Support" };

export default async function SupportUserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SupportUserPageClient userId={decodeURIComponent(id)} />;
}
