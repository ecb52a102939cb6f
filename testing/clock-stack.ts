// A stack whose clock the test moves, plus a signing key the service trusts beside the
// provider's. Suites that exercise expiry move the clock further than any provider token lives,
// and suites that test token validation need tokens whose only fault is the one they choose;
// both sign their own tokens with this key.
import { randomUUID } from "node:crypto";
import { SignJWT, exportJWK, generateKeyPair, type JWK } from "jose";
import { API_AUDIENCE } from "../contracts/identity";
import { startStack, type Stack, type StackOptions } from "./stack";

export interface SignOptions {
  /** Signing key (default: the key the service trusts). Pass another to forge an untrusted signature. */
  key?: CryptoKey;
  /** `kid` in the header (default: the trusted key's). */
  kid?: string;
}

export interface ClockStack {
  stack: Stack;
  /** The service's clock: real time plus the offset the test has moved it by. */
  now(): Date;
  /** Moves the service's clock by `ms` (negative moves it back). */
  advance(ms: number): void;
  /**
   * An RS256 `at+jwt` over `claims`. Defaults, which `claims` override: `iss` the stack's issuer,
   * `aud` the API audience, `iat` the service's now, `exp` an hour after `iat`, a fresh `jti`.
   * A claim set to undefined is left out of the token.
   */
  sign(claims: Record<string, unknown>, opts?: SignOptions): Promise<string>;
}

export async function startClockStack(kid: string, opts: Omit<StackOptions, "now" | "extraTrustedKeys"> = {}): Promise<ClockStack> {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const keys = await generateKeyPair("RS256", { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" };
  const stack = await startStack({ ...opts, now, extraTrustedKeys: [publicJwk] });

  async function sign(claims: Record<string, unknown>, signOpts: SignOptions = {}): Promise<string> {
    const iat = typeof claims.iat === "number" ? claims.iat : Math.floor(now().getTime() / 1000);
    const payload: Record<string, unknown> = { iss: stack.issuer, aud: API_AUDIENCE, iat, exp: iat + 3600, jti: randomUUID(), ...claims };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", kid: signOpts.kid ?? kid, typ: "at+jwt" })
      .sign(signOpts.key ?? keys.privateKey);
  }

  return {
    stack,
    now,
    advance: (ms) => {
      offsetMs += ms;
    },
    sign,
  };
}
