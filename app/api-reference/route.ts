// GET /api-reference: the API reference for app-server developers, rendered
// by Scalar from the service's OpenAPI document ({API base}/openapi.json).
// It runs under a script policy of 'self' with no inline script: Scalar reads
// its configuration from the #api-reference element's data attributes (a JSON
// data block, never executed), and its bundle comes from this origin
// (./scalar.js). Nothing reaches the internet: no CDN, no web fonts, no
// telemetry, no developer toolbar (its "share" uploads the document to Scalar).
import { buildRuntimeConfig } from "@/lib/runtime-config";
import { scalarBundle, scalarScriptPath } from "./scalar-bundle";

export const runtime = "nodejs";
// The API's base URL is read from the environment per request, as /runtime-config does.
export const dynamic = "force-dynamic";

/** Scalar's options (its configuration schema, @scalar/api-reference 1.40). */
const SCALAR_CONFIGURATION = {
  // Its default loads Inter and JetBrains Mono from fonts.scalar.com: the system's fonts instead.
  withDefaultFonts: false,
  // Its default posts usage events to api.scalar.com.
  telemetry: false,
  // The toolbar (shown on localhost by default) can upload the document to Scalar to share it.
  showDeveloperTools: "never",
  // The full API client is a separate app; "Test request" on each operation stays (same origin).
  hideClientButton: true,
  documentDownloadType: "json",
  orderSchemaPropertiesBy: "preserve",
  persistAuth: false,
};

/** Text as an HTML attribute value (double-quoted). */
function attribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export async function GET(): Promise<Response> {
  const { version } = await scalarBundle();
  const documentUrl = `${buildRuntimeConfig(process.env).apiBaseUrl}/openapi.json`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Notifications API reference</title>
</head>
<body>
<script id="api-reference" type="application/json" data-url="${attribute(documentUrl)}" data-configuration="${attribute(JSON.stringify(SCALAR_CONFIGURATION))}"></script>
<script src="${attribute(scalarScriptPath(version))}"></script>
</body>
</html>
`;
  return new Response(html, {
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" },
  });
}
