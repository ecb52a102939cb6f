// The provider's interaction routes: our own account picker (login prompt)
// and automatic consent for the first-party SPA. Consent always records
// offline_access and the API scope so refresh tokens are issued to MSAL.
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC, InteractionResults } from "oidc-provider";
import { findDemoUser } from "../contracts/demo-users";
import { API_AUDIENCE } from "../contracts/identity";
import { errorPage, signInPage } from "./pages";

const OIDC_SCOPES = new Set(["openid", "profile", "offline_access"]);
const FORM_LIMIT = 8 * 1024;

type Details = Awaited<ReturnType<Provider["interactionDetails"]>>;

async function readForm(ctx: KoaContextWithOIDC): Promise<URLSearchParams> {
  if (!ctx.is("application/x-www-form-urlencoded")) return new URLSearchParams();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > FORM_LIMIT) throw Object.assign(new Error("form too large"), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * Creates (or extends) the grant for this client and account: every scope the
 * client asked for, offline_access, and the API scopes, plus whatever the
 * consent prompt reports missing. Only first-party clients reach this.
 */
async function grantConsent(provider: Provider, details: Details, accountId: string): Promise<string> {
  const clientId = String(details.params.client_id);
  let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  if (!grant || grant.accountId !== accountId || grant.clientId !== clientId) {
    grant = new provider.Grant({ accountId, clientId });
  }
  const requested = String(details.params.scope ?? "")
    .split(" ")
    .filter(Boolean);
  grant.addOIDCScope([...new Set([...requested.filter((s) => OIDC_SCOPES.has(s)), "offline_access"])].join(" "));
  const apiScopes = requested.filter((s) => s.startsWith(`${API_AUDIENCE}/`));
  if (apiScopes.length) grant.addResourceScope(API_AUDIENCE, apiScopes.join(" "));

  const missing = details.prompt.details as {
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCClaims?.length) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(" "));
  }
  return grant.save();
}

async function finish(provider: Provider, ctx: KoaContextWithOIDC, result: InteractionResults): Promise<void> {
  const url = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(url);
}

function renderError(ctx: KoaContextWithOIDC, status: number, error: string, description: string): void {
  ctx.status = status;
  ctx.type = "html";
  ctx.body = errorPage({ error, error_description: description });
}

export interface InteractionOptions {
  log: (msg: string) => void;
}

/** Handles /interaction/:uid[/login|/abort]; returns false for other paths. */
export async function handleInteraction(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  { log }: InteractionOptions,
): Promise<boolean> {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/.exec(ctx.path);
  if (!match) return false;
  const action = match[2];
  ctx.set("Cache-Control", "no-store");

  let details: Details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    // No interaction cookie, or it expired: the sign-in must start over from the app.
    renderError(ctx, 400, "session_not_found", "This sign-in request has expired or was opened in another browser. Go back to the app and sign in again.");
    return true;
  }
  if (details.uid !== match[1]) {
    renderError(ctx, 400, "invalid_request", "This sign-in page does not belong to the current sign-in request.");
    return true;
  }

  if (!action) {
    if (ctx.method !== "GET" && ctx.method !== "HEAD") {
      renderError(ctx, 405, "invalid_request", "Method not allowed.");
      return true;
    }
    if (details.prompt.name === "consent" && details.session?.accountId) {
      // First-party SPA: consent is implied, so no page; the grant still records offline_access.
      const grantId = await grantConsent(provider, details, details.session.accountId);
      await finish(provider, ctx, { consent: { grantId } });
      return true;
    }
    const client = await provider.Client.find(String(details.params.client_id));
    ctx.type = "html";
    ctx.body = signInPage(details.uid, client?.clientName ?? String(details.params.client_id));
    return true;
  }

  if (ctx.method !== "POST") {
    renderError(ctx, 405, "invalid_request", "Method not allowed.");
    return true;
  }

  if (action === "abort") {
    await finish(provider, ctx, { error: "access_denied", error_description: "The user cancelled sign-in." });
    return true;
  }

  const form = await readForm(ctx);
  const user = findDemoUser(form.get("account") ?? "");
  if (!user) {
    renderError(ctx, 400, "invalid_request", "Unknown account.");
    return true;
  }
  const grantId = await grantConsent(provider, details, user.oid);
  log(`signed in ${user.upn} for ${String(details.params.client_id)}`);
  await finish(provider, ctx, { login: { accountId: user.oid }, consent: { grantId } });
  return true;
}
