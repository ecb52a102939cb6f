import type { Metadata } from "next";
import { connection } from "next/server";
import { buildRuntimeConfig } from "@/lib/runtime-config";
import { SignedOutPageStart } from "./page-start";

export const metadata: Metadata = { title: "Signed out" };

export default async function SignedOutPage() {
  // Per request, like the inbox's landing: the identity provider is the environment's.
  await connection();
  return <SignedOutPageStart identityProvider={buildRuntimeConfig(process.env).identityProvider} />;
}
