// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` and `next start` must not share a PGlite folder (see field notes).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Security headers on every response (issue 12). No page may be framed by
  // another site; /redirect, which MSAL loads in a hidden iframe of the app's
  // own pages to renew tokens silently, may be framed by the app alone (a later
  // rule wins for the same header). Cross-Origin-Opener-Policy isolates the
  // window (MSAL here signs in by redirect, never by popup). A script CSP with
  // nonces is not here yet (issue 12).
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          {
            key: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), interest-cohort=()",
          },
        ],
      },
      {
        source: "/redirect",
        headers: [
          { key: "X-Frame-Options", value: "SAMEORIGIN" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'self'" },
        ],
      },
    ];
  },
};

export default nextConfig;
