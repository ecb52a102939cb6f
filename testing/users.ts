// The people tests act as, by name, straight from the provider's demo directory.
// Each e2e spec file uses its own user: the seed is per user, and some specs
// change state (mark all read) that another spec would otherwise depend on.
import { DEMO_USERS, type DemoUser } from "../contracts/demo-users";

function byUpn(upn: string): DemoUser {
  const user = DEMO_USERS.find((u) => u.upn === upn);
  if (!user) throw new Error(`no demo user ${upn}`);
  return user;
}

export const users = {
  /** Tenant A, seeded inbox: the main journey and the README screenshot (inbox.spec.ts), no one else's. */
  adele: byUpn("adele@contoso.test"),
  /** Tenant A, seeded inbox: phone width and keyboard (access.spec.ts); receives tenants.spec.ts's tenant A item. */
  megan: byUpn("megan@contoso.test"),
  /**
   * Tenant A, support staff, no seeded inbox: the two-browser push journey (push.spec.ts), and the
   * snooze journey (snooze.spec.ts), which sends its own items and leaves none snoozed.
   */
  sam: byUpn("support@contoso.test"),
  /** Tenant B, seeded inbox: isolation (tenants.spec.ts). */
  bruno: byUpn("bruno@fabrikam.test"),
  /** Tenant B, support staff: support must never reach across tenants (tests/support). */
  rui: byUpn("support@fabrikam.test"),
} as const;

export type { DemoUser };
