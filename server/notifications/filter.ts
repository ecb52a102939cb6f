// $filter for the notification list: a small tokenizer and parser for
// `field op value` clauses joined by `and` — exactly the shapes the contract
// names, and nothing else (anything else is a 400 that says what was wrong).

export type EqField = "readState" | "userActionState" | "status" | "groupName" | "priority";
export type FilterClause =
  | { field: EqField; op: "eq" | "ne"; value: string | null }
  | { field: "createdDateTime"; op: "ge" | "lt"; value: Date };

export class FilterError extends Error {}

const ENUMS: Record<Exclude<EqField, "groupName">, readonly string[]> = {
  readState: ["unread", "read"],
  userActionState: ["noInteraction", "activated", "dismissed", "snoozed"],
  status: ["active", "deleted"],
  priority: ["None", "High", "Low"],
};
const EQ_FIELDS = new Set<string>(["readState", "userActionState", "status", "groupName", "priority"]);
// Year 0000 does not exist in PostgreSQL (nor in ISO 8601's common profile).
// No flags (T and Z in either case are spelled out): the OpenAPI document
// copies the source into JSON Schema's `pattern`, which has none.
export const ISO_DATE_TIME = /^(?!0000)\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 date-time the store can hold: the shape above, a real date, and
 * a UTC year from 1 to 9999. The offset matters: 9999-12-31T23:59-23:59 is in
 * year 10000 and 0001-01-01T00:00+23:59 in year 0, which PostgreSQL rejects
 * (a 500 if it got that far).
 */
export function parseIsoDateTime(text: string): Date | undefined {
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return undefined;
  const year = d.getUTCFullYear();
  return year >= 1 && year <= 9999 ? d : undefined;
}

type Token =
  | { kind: "word"; text: string; at: number }
  | { kind: "string"; text: string; at: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "'") {
      // OData string literal: '' is an escaped quote.
      let text = "";
      const at = i++;
      for (;;) {
        if (i >= input.length) throw new FilterError(`unterminated string starting at position ${at}`);
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += input[i++];
      }
      tokens.push({ kind: "string", text, at });
      continue;
    }
    const m = /^[A-Za-z0-9_.:+-]+/.exec(input.slice(i));
    if (!m) throw new FilterError(`unexpected character '${ch}' at position ${i}`);
    tokens.push({ kind: "word", text: m[0], at: i });
    i += m[0].length;
  }
  return tokens;
}

function parseDate(text: string): Date {
  const d = parseIsoDateTime(text);
  if (!d) throw new FilterError(`createdDateTime needs an ISO 8601 date-time from year 1 to 9999, got '${text}'`);
  return d;
}

function parseClause(tokens: Token[], pos: number): FilterClause {
  const field = tokens[pos];
  const op = tokens[pos + 1];
  const value = tokens[pos + 2];
  if (!field || field.kind !== "word") throw new FilterError("expected a property name");
  if (!op || op.kind !== "word") throw new FilterError(`expected an operator after '${field.text}'`);
  if (!value) throw new FilterError(`expected a value after '${field.text} ${op.text}'`);
  const opName = op.text.toLowerCase();

  if (field.text === "createdDateTime") {
    if (opName !== "ge" && opName !== "lt") {
      throw new FilterError(`operator '${op.text}' is not supported for createdDateTime (use ge or lt)`);
    }
    return { field: "createdDateTime", op: opName, value: parseDate(value.text) };
  }
  if (!EQ_FIELDS.has(field.text)) {
    throw new FilterError(`property '${field.text}' cannot be filtered on`);
  }
  const name = field.text as EqField;
  if (opName !== "eq" && opName !== "ne") {
    throw new FilterError(`operator '${op.text}' is not supported for ${name} (use eq or ne)`);
  }
  if (value.kind === "word") {
    if (name === "groupName" && value.text === "null") return { field: name, op: opName, value: null };
    throw new FilterError(`${name} needs a quoted string value, got '${value.text}'`);
  }
  if (name === "groupName") return { field: name, op: opName, value: value.text };
  // Enum members match case-insensitively and are stored in their canonical case.
  const member = ENUMS[name].find((m) => m.toLowerCase() === value.text.toLowerCase());
  if (!member) throw new FilterError(`'${value.text}' is not a ${name} (one of ${ENUMS[name].join(", ")})`);
  return { field: name, op: opName, value: member };
}

export function parseFilter(input: string): FilterClause[] {
  const tokens = tokenize(input);
  if (tokens.length === 0) throw new FilterError("$filter is empty");
  const clauses: FilterClause[] = [];
  let pos = 0;
  for (;;) {
    clauses.push(parseClause(tokens, pos));
    pos += 3;
    if (pos >= tokens.length) break;
    const joiner = tokens[pos]!;
    if (joiner.kind !== "word" || joiner.text.toLowerCase() !== "and") {
      throw new FilterError(`expected 'and' at position ${joiner.at}, got '${joiner.text}'`);
    }
    pos++;
    if (pos >= tokens.length) throw new FilterError("expected a clause after 'and'");
  }
  return clauses;
}

/** A stable text form of parsed clauses, for the skiptoken's query shape. */
export function filterShape(clauses: readonly FilterClause[]): string {
  return clauses
    .map((c) => `${c.field} ${c.op} ${c.value instanceof Date ? c.value.toISOString() : JSON.stringify(c.value)}`)
    .join(" and ");
}
