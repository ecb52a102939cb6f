import type { Metadata } from "next";
import { RedirectBridge } from "./redirect-bridge";

export const metadata: Metadata = { title: "Signing in", robots: { index: false } };

// MSAL 5's redirect bridge: rendered outside MsalProvider, it relays the provider's response to
// the page that started sign-in and navigates back there.
export default function RedirectPage() {
  return <RedirectBridge />;
}
