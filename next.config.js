// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` and `next start` must not share a PGlite folder (see field notes).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Security headers that are the same on every response (issue 12), static
  // files included. Cross-Origin-Opener-Policy isolates the window (MSAL here
  // signs in by redirect, never by popup). Who may frame a page (CSP
  // frame-ancestors, X-Frame-Options), the script policy with its per-request
  // nonce, and HSTS over https are set per request by proxy.ts, from
  // lib/security-headers.ts: their one home.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          {
            key: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()",
          },
        ],
      },
    ];
  },
};

export default nextConfig;
