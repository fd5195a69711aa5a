/** A readable table of what a stack holds: resource name, kind, EM id and the key fields; never a secret. */
import { MASK, maskSecrets } from "./secrets";

export interface SummaryResource {
  /** The resource's name in the program. */
  name: string;
  /** The type token, e.g. pulumi-nodejs:dynamic/veeam-em:Subtenant. */
  type: string;
  id: string;
  outputs: Record<string, unknown>;
  secretKeys: readonly string[];
}

const kindOf = (type: string) => type.split(":").pop() ?? type;

function details(kind: string, o: Record<string, unknown>): string {
  if (kind === "Subtenant") {
    const quota = o.unlimitedQuota === true ? "unlimited" : `${o.quotaMb} MB`;
    return `tenant '${o.tenantName}', user '${o.name}', quota ${quota}, ${o.enabled === false ? "disabled" : "enabled"}`;
  }
  if (kind === "EnterpriseAccount") {
    const roles = Array.isArray(o.roleNames) ? o.roleNames.join(", ") : String(o.roleNames);
    const scope = o.allowRestoreAllVms === false ? `restores limited to ${Array.isArray(o.hierarchyScopeObjects) ? o.hierarchyScopeObjects.length : "?"} object(s)` : "restores all VMs";
    return `${o.accountType} '${o.accountName}', roles: ${roles}; ${scope}`;
  }
  return "";
}

export function formatSummary(resources: readonly SummaryResource[]): string {
  const rows = resources.map((r) => {
    const outputs = maskSecrets(r.outputs, r.secretKeys);
    const kind = kindOf(r.type);
    return [r.name, kind, r.id, details(kind, outputs)];
  });
  const header = ["resource", "kind", "EM id", "details"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  const text = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
  if (text.includes(MASK)) throw new Error("a secret value reached the summary");
  return text;
}
