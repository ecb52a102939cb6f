// What the planner does with a raw query: the top plan node and every scan
// under it, so the table shows whether an index serves the query.
import type { Queryable } from "../../server/store/db";

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Relation Name"?: string;
  Operation?: string;
  Plans?: PlanNode[];
}

function describe(node: PlanNode): string {
  // INSERT/UPDATE plans are "ModifyTable"; the operation says which.
  if (node["Node Type"] === "ModifyTable" && node.Operation) return `${node.Operation} on ${node["Relation Name"] ?? "?"}`;
  if (node["Index Name"]) return `${node["Node Type"]} using ${node["Index Name"]}`;
  if (node["Relation Name"]) return `${node["Node Type"]} on ${node["Relation Name"]}`;
  return node["Node Type"];
}

function scans(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  if (/Scan/.test(node["Node Type"])) out.push(node);
  for (const child of node.Plans ?? []) scans(child, out);
  return out;
}

/** e.g. "Limit → Index Scan using notifications_list". */
export async function explainPlan(db: Queryable, text: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
  const raw = rows[0]?.["QUERY PLAN"];
  const doc = (typeof raw === "string" ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
  const top = doc[0].Plan;
  const scanNodes = scans(top).filter((n) => n !== top);
  return [describe(top), ...scanNodes.map(describe)].join(" → ");
}
