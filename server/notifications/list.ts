// One page of a user's inbox as Graph lists it ($top, $filter, $orderby,
// $count, $search, $skiptoken): the owner's own /me/notifications, and
// support's read-only /users/{id}/notifications, which runs it inside the
// transaction that logs the read.
import type { AppContext, AppDeps } from "../http/env";
import { badRequest } from "../http/graph-error";
import { listShape, parseCount, parseFilterOption, parseOrderBy, parseSearch, parseTop, queryOptions } from "../http/odata-query";
import { PageTokenError, decodeListPosition, encodeListPosition, type ListPosition } from "../http/page-token";
import type { Queryable } from "../store/db";
import type { Owner } from "./queries";
import { etagger, toResource } from "./resource";
import { countNotifications, listNotifications } from "./service";

export interface ListTarget {
  owner: Owner;
  /** The store, or the transaction the read runs in. */
  db: Queryable;
  /** The collection's path under the API base, for nextLink (`/me/notifications`, `/users/{id}/notifications`). */
  path: string;
}

/** The list body: `@odata.context`, `value`, and `@odata.count` / `@odata.nextLink` when due. */
export async function listPage(c: AppContext, deps: Pick<AppDeps, "config" | "tokens">, t: ListTarget): Promise<Record<string, unknown>> {
  const url = new URL(c.req.url);
  const q = queryOptions(url, ["$top", "$filter", "$orderby", "$count", "$search", "$skiptoken"]);
  const top = parseTop(q.get("$top"));
  const filters = parseFilterOption(q.get("$filter"));
  const order = parseOrderBy(q.get("$orderby"));
  const withCount = parseCount(q.get("$count"));
  const search = parseSearch(q.get("$search"));
  const binding = `${t.owner.tenantId}|${t.owner.userId}|${listShape(filters, order, search)}`;
  let after: ListPosition | undefined;
  const skiptoken = q.get("$skiptoken");
  if (skiptoken !== undefined) {
    try {
      after = decodeListPosition(deps.tokens, binding, skiptoken);
    } catch (err) {
      if (err instanceof PageTokenError) throw badRequest("$skiptoken is not valid for this query.");
      throw err;
    }
  }
  const base = `${deps.config.publicOrigin ?? url.origin}${deps.config.basePath}`;
  const now = c.get("now");
  const criteria = { ...t.owner, now, filters, search };
  const rows = await listNotifications(t.db, { ...criteria, order, limit: top + 1, after });
  const page = rows.slice(0, top);
  const body: Record<string, unknown> = { "@odata.context": `${base}/$metadata#users('${t.owner.userId}')/notifications` };
  if (withCount) body["@odata.count"] = await countNotifications(t.db, criteria);
  const etagOf = etagger(deps.tokens);
  body.value = page.map((r) => toResource(r, now, etagOf));
  if (rows.length > top) {
    const last = page[page.length - 1]!;
    const next = new URL(`${base}${t.path}`);
    for (const [k, v] of q) if (k !== "$skiptoken") next.searchParams.set(k, v);
    next.searchParams.set("$skiptoken", encodeListPosition(deps.tokens, binding, { created: last.created, id: last.id }));
    body["@odata.nextLink"] = next.toString();
  }
  return body;
}
