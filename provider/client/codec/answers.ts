/**
 * What each of EM's answers must be: the XML root element (in EM's namespace) or, in JSON, an object with at
 * least one of the properties EM's JSON of that document always has. A 200 answer that is anything else (a
 * proxy's page, `{}`, an Error document) is an error, never an empty result.
 */
import { EM_NAMESPACE } from "./element";
import type { DecodedBody } from "./index";
import { isNode, str } from "./read";
import type { WireFormat } from "../settings";

export interface AnswerShape {
  /** Accepted XML root elements. */
  roots: string[];
  /** JSON: at least one of these properties must be present. */
  jsonKeys: string[];
  /** For messages, e.g. "a QueryResult". */
  describe: string;
}

function shape(roots: string[], jsonKeys: string[]): AnswerShape {
  return { roots, jsonKeys, describe: `a ${roots[0]} document` };
}

export const ANSWERS = {
  QueryResult: shape(["QueryResult"], ["Refs", "Entities", "Resources", "PagingInfo"]),
  EntityReferences: shape(["EntityReferences"], ["Refs"]),
  Task: shape(["Task"], ["TaskId"]),
  Tasks: shape(["Tasks", "TaskList"], ["Tasks", "TaskList"]),
  LogonSession: shape(["LogonSession"], ["SessionId"]),
  CloudTenant: shape(["CloudTenant"], ["UID", "Name"]),
  CloudTenantResource: shape(["CloudTenantResource"], ["Id", "RepositoryQuota"]),
  CloudSubtenant: shape(["CloudSubtenant"], ["Id", "Name", "UID"]),
  EnterpriseAccount: shape(["EnterpriseAccount"], ["UID", "Name"]),
  EnterpriseAccounts: shape(["EnterpriseAccounts"], ["EnterpriseAccounts"]),
  EnterpriseAccountInRoles: shape(["EnterpriseAccountInRoleList", "EnterpriseAccountInRoles"], ["EnterpriseAccountInRoles", "EnterpriseAccountInRoleList", "EnterpriseAccountInRole"]),
  EnterpriseAccountHierarchyScopes: shape(["EnterpriseAccountHierarchyScopes"], ["EnterpriseAccountHierarchyScopes", "EnterpriseAccountHierarchyScope"]),
} satisfies Record<string, AnswerShape>;

/** Whether a body is EM's Error document (XML root Error in EM's namespace, or JSON with StatusCode and Message). */
export function isErrorDocument(decoded: DecodedBody): boolean {
  return errorDocument(decoded) !== undefined && (decoded.format === "json" || decoded.namespace === EM_NAMESPACE);
}

/** An EM Error document's message, when the body is one. */
function errorDocument(decoded: DecodedBody): string | undefined {
  const n = decoded.body;
  if (decoded.format === "xml" && decoded.root !== "Error") return undefined;
  if (!isNode(n)) return undefined;
  if (decoded.format === "json" && !("StatusCode" in n && ("Message" in n || "FirstChanceExceptionMessage" in n))) return undefined;
  return str(n.Message) ?? str(n.FirstChanceExceptionMessage) ?? "(no message)";
}

/** Why `decoded` is not the answer asked for, or undefined when it is. */
export function checkAnswer(decoded: DecodedBody, want: AnswerShape, asked: WireFormat): string | undefined {
  const error = errorDocument(decoded);
  if (error !== undefined) return `the answer is an EM Error document with a success status, where EM sends ${want.describe}: ${error.length > 300 ? error.slice(0, 300) + "…" : error}`;
  if (decoded.format === "xml") {
    if (!want.roots.includes(decoded.root ?? "")) return `the answer's root element is <${decoded.root}>, where EM sends ${want.describe}`;
    if (decoded.namespace !== EM_NAMESPACE) return `the answer's <${decoded.root}> is in the namespace '${decoded.namespace ?? ""}', not EM's '${EM_NAMESPACE}'`;
    return undefined;
  }
  if (asked === "xml") return `the answer is JSON where XML was asked for (EM answers XML to Accept: application/xml)`;
  const n = decoded.body;
  if (!isNode(n)) return `the JSON answer is ${Array.isArray(n) ? "an array" : typeof n}, where EM sends ${want.describe} (an object)`;
  if (!want.jsonKeys.some((k) => k in n)) {
    const keys = Object.keys(n);
    return `the JSON answer lacks every property of ${want.describe} (${want.jsonKeys.join(", ")}); it has ${keys.length === 0 ? "none at all ({})" : keys.slice(0, 8).join(", ")}`;
  }
  return undefined;
}
