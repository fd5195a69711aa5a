/**
 * The checker: EM's true state, read straight from the emulator's store (no HTTP, so no faults), against what the
 * stacks declare and what their state holds. Every finding names the stack, the resource and the EM id.
 */
import type { Account, EmState, Subtenant, Tenant } from "../../emulator/model";
import type { ResourceState } from "../engine/engine";
import { emNameOf, isSoakName, SOAK_BACKUP_MB, type AccountDecl, type Decl, type StackDecl, type SubtenantDecl, type TenantDecl } from "./declarations";

export interface StackView {
  decl: StackDecl;
  /** The stack's state: one entry per resource the engine holds. */
  state: ResourceState[];
}

export interface Findings {
  /** Two or more objects in EM for one declared name. */
  duplicates: string[];
  /** Objects in EM with the soak's prefix that no stack's state holds. */
  orphans: string[];
  /** State entries whose object is not in EM. */
  ghosts: string[];
  /** Declared resources that no state holds, or whose object differs from the declaration. */
  mismatches: string[];
}

type SoakObject = { kind: "Subtenant"; em: Subtenant } | { kind: "EnterpriseAccount"; em: Account } | { kind: "CloudTenant"; em: Tenant };

const lower = (s: string) => s.toLowerCase();
const keyOfState = (s: ResourceState) => s.name;

function soakObjects(em: EmState): SoakObject[] {
  return [
    ...em.subtenants.filter((s) => isSoakName(s.name)).map((em): SoakObject => ({ kind: "Subtenant", em })),
    ...em.accounts.filter((a) => isSoakName(a.name)).map((em): SoakObject => ({ kind: "EnterpriseAccount", em })),
    ...em.tenants.filter((t) => isSoakName(t.name)).map((em): SoakObject => ({ kind: "CloudTenant", em })),
  ];
}

function identity(o: SoakObject): string {
  if (o.kind === "Subtenant") return `subtenant ${o.em.tenantId}/${lower(o.em.name)}`;
  if (o.kind === "CloudTenant") return `tenant ${o.em.backupServerId}/${lower(o.em.name)}`;
  return `account ${lower(o.em.name)}`;
}

function describe(o: SoakObject): string {
  if (o.kind === "Subtenant") return `subtenant '${o.em.name}' (${o.em.id}) of tenant ${o.em.tenantId}`;
  if (o.kind === "CloudTenant") return `tenant '${o.em.name}' (${o.em.id}) on backup server ${o.em.backupServerId}`;
  return `${o.em.type} account '${o.em.name}' (${o.em.id})`;
}

function tenantDiffs(d: TenantDecl, em: Tenant, state: EmState): string[] {
  const out: string[] = [];
  const field = (name: string, actual: unknown, declared: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(declared)) out.push(`${name}: EM ${JSON.stringify(actual)}, declared ${JSON.stringify(declared)}`);
  };
  if (lower(em.name) !== lower(d.name)) field("name", em.name, d.name);
  field("description", em.description, d.description);
  field("enabled", em.enabled, d.enabled);
  field("maxConcurrentTasks", em.maxConcurrentTasks, d.maxConcurrentTasks);
  const repositoryName = (uid: string) => state.repositories.find((r) => uid.toLowerCase().endsWith(r.id.toLowerCase()))?.name ?? uid;
  field("backupResources", em.resources.map((r) => ({ repository: repositoryName(r.repositoryUid), quotaMb: r.quotaMb, name: r.displayName })), [{ repository: d.repository, quotaMb: d.quotaMb, name: d.quotaName }]);
  // The value is never printed.
  if (em.password !== d.password) out.push("password: EM holds another password than declared");
  return out;
}

function subtenantDiffs(d: SubtenantDecl, em: Subtenant): string[] {
  const out: string[] = [];
  const field = (name: string, actual: unknown, declared: unknown) => {
    if (actual !== declared) out.push(`${name}: EM ${JSON.stringify(actual)}, declared ${JSON.stringify(declared)}`);
  };
  if (lower(em.name) !== lower(d.name)) field("name", em.name, d.name);
  field("tenantId", em.tenantId, d.tenant.id);
  field("description", em.description, d.description);
  field("enabled", em.enabled, d.enabled);
  field("quotaMb", em.quota.quotaMb, d.quotaMb);
  field("unlimitedQuota", em.quota.unlimited, false);
  field("tenantResourceId", em.quota.tenantResourceId, d.tenant.resourceId);
  // The value is never printed.
  if (em.password !== d.password) out.push("password: EM holds another password than declared");
  return out;
}

function accountDiffs(d: AccountDecl, em: Account, state: EmState): string[] {
  const out: string[] = [];
  const field = (name: string, actual: unknown, declared: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(declared)) out.push(`${name}: EM ${JSON.stringify(actual)}, declared ${JSON.stringify(declared)}`);
  };
  field("accountType", em.type, d.accountType);
  if (lower(em.name) !== lower(d.accountName)) field("accountName", em.name, d.accountName);
  const roleName = (id: string) => state.roles.find((r) => r.id === id)?.name ?? id;
  field("roles", em.roleIds.map(roleName).map(lower).sort(), d.roles.map(lower).sort());
  field("allowRestoreAllVms", em.allowRestoreAllVms, d.allowRestoreAllVms);
  field("scope", em.scope.map((s) => lower(s.objectName)).sort(), d.scope.map(lower).sort());
  return out;
}

function findById(em: EmState, d: Decl, id: string): SoakObject | undefined {
  if (d.kind === "CloudTenant") {
    const t = em.tenants.find((x) => x.id === id);
    return t && { kind: "CloudTenant", em: t };
  }
  if (d.kind === "Subtenant") {
    const s = em.subtenants.find((x) => x.id === id);
    return s && { kind: "Subtenant", em: s };
  }
  const a = em.accounts.find((x) => x.id === id);
  return a && { kind: "EnterpriseAccount", em: a };
}

/** Duplicates, orphans and ghosts over all stacks; with `declared`, also each resource against its declaration. */
export function checkEm(em: EmState, stacks: StackView[], options: { compareDeclarations: boolean }): Findings {
  const findings: Findings = { duplicates: [], orphans: [], ghosts: [], mismatches: [] };
  const objects = soakObjects(em);

  const byIdentity = new Map<string, SoakObject[]>();
  for (const o of objects) byIdentity.set(identity(o), [...(byIdentity.get(identity(o)) ?? []), o]);
  for (const [, same] of byIdentity) if (same.length > 1) findings.duplicates.push(`${same.length} objects for one name: ${same.map(describe).join("; ")}`);

  const held = new Map<string, string>();
  for (const stack of stacks) for (const s of stack.state) held.set(s.id, `${stack.decl.name}/${keyOfState(s)}`);
  const declaredAs = new Map<string, string>();
  for (const stack of stacks) for (const d of stack.decl.resources) declaredAs.set(lower(emNameOf(d)), `${stack.decl.name}/${d.key}`);
  for (const o of objects) {
    if (!held.has(o.em.id)) findings.orphans.push(`${describe(o)} is in EM but in no stack's state (declared as ${declaredAs.get(lower(o.em.name)) ?? "nothing"})`);
  }

  const emIds = new Set(objects.map((o) => o.em.id));
  for (const stack of stacks) {
    for (const s of stack.state) if (!emIds.has(s.id)) findings.ghosts.push(`${stack.decl.name}/${s.name} holds id ${s.id}, which EM does not have`);
  }

  if (!options.compareDeclarations) return findings;
  for (const stack of stacks) {
    for (const d of stack.decl.resources) {
      const where = `${stack.decl.name}/${d.key}`;
      const s = stack.state.find((x) => x.name === d.key);
      if (!s) {
        findings.mismatches.push(`${where}: declared but in no state`);
        continue;
      }
      const o = findById(em, d, s.id);
      if (!o) continue; // a ghost, counted above
      const diffs = o.kind === "Subtenant" ? subtenantDiffs(d as SubtenantDecl, o.em) : o.kind === "CloudTenant" ? tenantDiffs(d as TenantDecl, o.em, em) : accountDiffs(d as AccountDecl, o.em, em);
      if (diffs.length > 0) findings.mismatches.push(`${where} (${s.id}): ${diffs.join("; ")}`);
    }
  }
  return findings;
}

/** After a refresh: each subtenant's outputs show what EM holds (drift made out of band is visible). */
export function refreshedOutputsDiffer(em: EmState, stack: StackView): string[] {
  const out: string[] = [];
  for (const s of stack.state) {
    const sub = em.subtenants.find((x) => x.id === s.id);
    if (sub) {
      for (const [key, actual] of [["description", sub.description], ["quotaMb", sub.quota.quotaMb], ["enabled", sub.enabled]] as const) {
        if (s.outputs[key] !== actual) out.push(`${stack.decl.name}/${s.name} (${s.id}): after refresh ${key} is ${JSON.stringify(s.outputs[key])} in state, ${JSON.stringify(actual)} in EM`);
      }
    }
    const tenant = em.tenants.find((x) => x.id === s.id);
    if (tenant) {
      for (const [key, actual] of [["description", tenant.description], ["enabled", tenant.enabled], ["maxConcurrentTasks", tenant.maxConcurrentTasks]] as const) {
        if (s.outputs[key] !== actual) out.push(`${stack.decl.name}/${s.name} (${s.id}): after refresh ${key} is ${JSON.stringify(s.outputs[key])} in state, ${JSON.stringify(actual)} in EM`);
      }
    }
    const acct = em.accounts.find((x) => x.id === s.id);
    if (acct && s.outputs.allowRestoreAllVms !== acct.allowRestoreAllVms) {
      out.push(`${stack.decl.name}/${s.name} (${s.id}): after refresh allowRestoreAllVms is ${JSON.stringify(s.outputs.allowRestoreAllVms)} in state, ${acct.allowRestoreAllVms} in EM`);
    }
  }
  return out;
}

/**
 * Backups the soak wrote into its tenants' quotas (SOAK_BACKUP_MB each) that a destroy lost: every destroyed tenant's
 * backups must still be on their repository (EM keeps them unless the stack asked with deleteBackupsOnDestroy).
 */
export function lostBackups(em: EmState, written: ReadonlyArray<{ tenantName: string; repositoryUid: string }>): string[] {
  const out: string[] = [];
  for (const w of written) {
    if (em.tenants.some((t) => lower(t.name) === lower(w.tenantName))) continue; // not destroyed (yet)
    const repository = em.repositories.find((r) => w.repositoryUid.toLowerCase().endsWith(r.id.toLowerCase()));
    const kept = repository?.retainedBackups?.some((b) => lower(b.tenantName) === lower(w.tenantName) && b.usedMb === SOAK_BACKUP_MB);
    if (!kept) out.push(`tenant '${w.tenantName}': its ${SOAK_BACKUP_MB} MB of backups are gone from ${repository?.name ?? w.repositoryUid}`);
  }
  return out;
}
