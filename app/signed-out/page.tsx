import type { Metadata } from "next";
import { SignedOutPageClient } from "./page-client";

export const metadata: Metadata = { title: "Signed out" };

export default function SignedOutPage() {
  return <SignedOutPageClient />;
}
