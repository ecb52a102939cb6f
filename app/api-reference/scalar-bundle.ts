// Scalar's self-contained browser bundle (@scalar/api-reference), read from
// node_modules once per process and served from this origin: the reference
// page loads no script from a CDN. Its URL carries the package's version, so
// it may be cached for good and a new version is a new URL.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface ScalarBundle {
  version: string;
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

function packageDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), "node_modules", "@scalar", "api-reference");
}

let loaded: Promise<ScalarBundle> | undefined;

export function scalarBundle(): Promise<ScalarBundle> {
  loaded ??= (async () => {
    const dir = packageDir();
    const [pkg, bytes] = await Promise.all([
      readFile(path.join(dir, "package.json"), "utf8"),
      readFile(path.join(dir, "dist", "browser", "standalone.js")),
    ]);
    const { version } = JSON.parse(pkg) as { version: string };
    const etag = `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 27)}"`;
    return { version, body: new Uint8Array(bytes), etag };
  })();
  // A failed read (a missing package) is retried by the next request, not remembered.
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** Where the page loads the bundle from: this version's URL. */
export const scalarScriptPath = (version: string) => `/api-reference/scalar.js?v=${encodeURIComponent(version)}`;
