// Run by rate-limits.test.ts in a process of its own, which trusts the test
// certificate (NODE_EXTRA_CA_CERTS): the Graph SDK's client with its default
// middleware chain sends COUNT notifications to /me, one after another, to the
// service at BASE_URL (https: the SDK's AuthenticationHandler sends tokens to
// https hosts only), and prints what it got as JSON. A request that fails
// after the SDK's own retries fails the process.
import { Client } from "@microsoft/microsoft-graph-client";

async function main(): Promise<void> {
  const baseUrl = new URL(process.env.BASE_URL!);
  const token = process.env.TOKEN!;
  const count = Number(process.env.COUNT ?? 30);
  const client = Client.init({
    authProvider: (done) => done(null, token),
    baseUrl: `${baseUrl.origin}/graph/`,
    defaultVersion: "beta",
    // Not graph.microsoft.com: the host the SDK may send the token to.
    customHosts: new Set([baseUrl.hostname]),
  });
  const ids: string[] = [];
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const created = (await client.api("/me/notifications").post({
      targetHostName: "tests.contoso.test",
      payload: { visualContent: { title: `SDK ${i}` } },
    })) as { id: string };
    ids.push(created.id);
  }
  console.log(JSON.stringify({ ids, ms: Date.now() - started }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message} (${JSON.stringify(err)})` : err);
  process.exit(1);
});
