// Opens the notifications service (PGlite, migrations, seed) when the Node
// server starts, so the first request does not pay for it. The dynamic import
// keeps server code out of the edge bundle.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getService } = await import("./server/index");
  try {
    await getService();
  } catch (err) {
    // Requests retry the open and answer 503 meanwhile; say why loudly now.
    console.error("[service] could not start:", err instanceof Error ? err.message : err);
  }
}
