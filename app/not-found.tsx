import type { Metadata } from "next";
import Link from "next/link";
import { SkipLink } from "@/components/skip-link";

export const metadata: Metadata = { title: "Page not found", robots: { index: false } };

// Next's own 404 page styles itself with style attributes and a <style> without the nonce, which the
// page's CSP refuses (lib/security-headers.ts): this one uses the app's stylesheet.
export default function NotFound() {
  return (
    <>
      <SkipLink to="main" />
      <main className="landing" id="main" tabIndex={-1}>
        <h1>Page not found</h1>
        <p>There is no page at this address.</p>
        <Link className="btn btn-primary" href="/">
          Go to your inbox
        </Link>
      </main>
    </>
  );
}
