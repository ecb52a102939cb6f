// The provider's own pages: the account picker, the sign-out hand-off and
// errors. Self-contained (inline CSS, no fonts or scripts from elsewhere),
// readable in light and dark, usable with the keyboard alone. Their inline
// <style> and <script> are fixed texts, allowed by hash in the provider's CSP
// (security-headers.ts): nothing inline may vary, and no style attributes.
import { DEMO_USERS, TENANT_A, TENANT_B, type DemoUser } from "../contracts/demo-users";

const TENANT_NAMES: Record<string, string> = {
  [TENANT_A]: "Contoso (tenant A)",
  [TENANT_B]: "Fabrikam (tenant B)",
};

export function tenantLabel(tenantId: string): string {
  return TENANT_NAMES[tenantId] ?? tenantId;
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const STYLE = `
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1b1f24;--muted:#57606a;--accent:#0b5cad;--border:#d0d7de}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--fg:#e6edf3;--muted:#9da7b3;--accent:#4ea1ff;--border:#30363d}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:var(--card);border:1px solid var(--border);border-radius:.75rem}
h1{font-size:1.35rem;margin:0 0 .25rem}
p{margin:.25rem 0 1rem;color:var(--muted)}
ul{list-style:none;margin:0;padding:0;display:grid;gap:.5rem}
form{margin:0}
button{width:100%;text-align:left;font:inherit;color:inherit;background:transparent;border:1px solid var(--border);border-radius:.5rem;padding:.75rem 1rem;cursor:pointer}
button:hover{border-color:var(--accent)}
button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.name{display:block;font-weight:600}
.detail{display:block;font-size:.875rem;color:var(--muted)}
.secondary{margin-top:1rem;text-align:center;color:var(--muted)}
code{font-size:.875rem;word-break:break-all}
.secondary button{text-align:center}
`;

/** Submits oidc-provider's sign-out form at once (the RP asked to sign out): no second click. */
export const LOGOUT_SCRIPT = `
(function () {
  var form = document.getElementById("op.logoutForm");
  var yes = document.createElement("input");
  yes.type = "hidden"; yes.name = "logout"; yes.value = "yes";
  form.appendChild(yes);
  form.submit();
})();
`;

function layout(title: string, body: string, head = ""): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${head}
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function accountButton(uid: string, user: DemoUser, index: number): string {
  const detailId = `account-${index}-detail`;
  // The accessible name is "Continue as <name>" (contains the visible name);
  // UPN and tenant are the description, so screen readers hear all three.
  return `<li>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<input type="hidden" name="account" value="${escapeHtml(user.oid)}">
<button type="submit" aria-label="Continue as ${escapeHtml(user.name)}" aria-describedby="${detailId}">
<span class="name">${escapeHtml(user.name)}</span>
<span class="detail" id="${detailId}">${escapeHtml(user.upn)} · ${escapeHtml(tenantLabel(user.tenantId))}${
    user.roles.length ? ` · ${escapeHtml(user.roles.join(", "))}` : ""
  }</span>
</button>
</form>
</li>`;
}

export function signInPage(uid: string, clientName: string): string {
  return layout(
    "Sign in · local identity provider",
    `<h1>Pick an account</h1>
<p>Sign in to <strong>${escapeHtml(clientName)}</strong> as one of the demo accounts. This local provider is for development: there is no password.</p>
<ul aria-label="Demo accounts">
${DEMO_USERS.map((u, i) => accountButton(uid, u, i)).join("\n")}
</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort" class="secondary">
<button type="submit">Cancel</button>
</form>`,
  );
}

/** Replaces oidc-provider's confirm page: the RP asked to sign out, so do it without another click. */
export function logoutPage(form: string): string {
  return layout(
    "Signing out · local identity provider",
    `<h1>Signing out…</h1>
${form}
<noscript><p>JavaScript is off: confirm below.</p></noscript>
<button type="submit" form="op.logoutForm" name="logout" value="yes" id="logout-yes">Sign out</button>
<script>${LOGOUT_SCRIPT}</script>`,
  );
}

export function signedOutPage(clientName: string | undefined): string {
  return layout(
    "Signed out · local identity provider",
    `<h1>You are signed out</h1>
<p>${clientName ? `You have signed out of ${escapeHtml(clientName)}.` : "Your session with the local provider has ended."} You can close this window.</p>`,
  );
}

export function errorPage(out: object): string {
  return layout(
    "Sign-in error · local identity provider",
    `<h1>Something went wrong</h1>
${Object.entries(out)
  .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: <code>${escapeHtml(value)}</code></p>`)
  .join("\n")}`,
  );
}
