// Opens the notifications service (PGlite, migrations, seed) when the Node
// server starts, so the first request does not pay for it. The dynamic import
// keeps server code out of the edge bundle.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getService, installForwardedForHop, stopServiceOnSignals } = await import("./server/index");
  // `npm start` tells Next to leave SIGTERM and SIGINT to the app: the service closes before the process exits.
  if (process.env.NEXT_MANUAL_SIG_HANDLE) stopServiceOnSignals();
  // Next sets X-Forwarded-For from the socket only when a client sent none: the
  // service's limits by client address need the socket's, appended as a proxy would.
  installForwardedForHop();
  try {
    await getService();
  } catch (err) {
    // Requests retry the open and answer 503 meanwhile; say why loudly now.
    console.error("[service] could not start:", err instanceof Error ? err.message : err);
  }
}
