import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { ServiceWorkerProvider } from "@/components/service-worker-provider";
import { themeColor } from "@/lib/theme-color";
import { sessionHintScript } from "@/lib/auth/session-hint";
import "./globals.css";
import "./first-screen.css";

export const metadata: Metadata = {
  title: { default: "Inbox", template: "%s · Inbox" },
  description: "Your notifications, from every app that sends them, in one inbox.",
  applicationName: "Inbox",
  manifest: "/manifest.webmanifest",
  icons: {
    icon: [
      { url: "/icons/icon.svg", type: "image/svg+xml" },
      { url: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
    ],
    apple: [{ url: "/icons/apple-touch-icon.png", sizes: "180x180" }],
  },
  appleWebApp: { capable: true, title: "Inbox", statusBarStyle: "default" },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: themeColor.light },
    { media: "(prefers-color-scheme: dark)", color: themeColor.dark },
  ],
  colorScheme: "light dark",
  // Installed on a phone, the app draws under the notch and the home bar: globals.css pads by the safe-area insets.
  viewportFit: "cover",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // This response's CSP nonce (proxy.ts): the only inline script of our own must carry it. Reading the
  // request's headers renders every page per request, which nonces need (Next's CSP guide).
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // The inline script marks <html> before the first paint (lib/auth/session-hint.ts): hydration leaves it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: sessionHintScript() }} />
      </head>
      <body>
        {children}
        <ServiceWorkerProvider />
      </body>
    </html>
  );
}
