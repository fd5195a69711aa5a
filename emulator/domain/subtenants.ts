import { randomUUID } from "node:crypto";
import { EmError } from "../http/context";
import type { EmState, Subtenant, Task, Tenant } from "../model";
import type { Decoded } from "../wire/schema";
import { nonAsciiCharacter, sameName } from "./names";

/** EM refuses subtenant quotas under 1 GB. */
export const MIN_SUBTENANT_QUOTA_MB = 1024;

export function findTenant(state: EmState, tenantId: string): Tenant {
  const tenant = state.tenants.find((t) => t.id.toLowerCase() === tenantId.toLowerCase());
  if (!tenant) throw new EmError(404, `Cloud tenant '${tenantId}' was not found`);
  return tenant;
}

export function findSubtenant(state: EmState, tenant: Tenant, subtenantId: string): Subtenant {
  const subtenant = state.subtenants.find((s) => s.tenantId === tenant.id && s.id.toLowerCase() === subtenantId.toLowerCase());
  if (!subtenant) throw new EmError(404, `Subtenant '${subtenantId}' of cloud tenant '${tenant.name}' was not found`);
  return subtenant;
}

/** A rule EM's backup server enforces while running the task: it makes the task fail with this message. */
export class RuleViolation extends Error {}

export function checkQuota(tenant: Tenant, quota: { unlimited: boolean; tenantResourceId: string; quotaMb?: number }): number {
  const resource = tenant.resources.find((r) => r.id.toLowerCase() === quota.tenantResourceId.toLowerCase());
  if (!resource) {
    throw new RuleViolation(`Tenant resource '${quota.tenantResourceId}' does not belong to cloud tenant '${tenant.name}'`);
  }
  if (quota.unlimited) return quota.quotaMb ?? resource.quotaMb;
  if (quota.quotaMb === undefined) throw new RuleViolation("QuotaMb must be specified when the subtenant quota is not unlimited");
  if (quota.quotaMb < MIN_SUBTENANT_QUOTA_MB) throw new RuleViolation(`Subtenant quota cannot be less than 1 GB (${MIN_SUBTENANT_QUOTA_MB} MB); got ${quota.quotaMb} MB`);
  if (quota.quotaMb > resource.quotaMb) {
    throw new RuleViolation(`Subtenant quota of ${quota.quotaMb} MB exceeds the tenant quota '${resource.displayName}' of ${resource.quotaMb} MB`);
  }
  return quota.quotaMb;
}

/** Runs a task's change: a RuleViolation fails the task with its message; a create may name what it made. */
export function outcomeOf(apply: () => Task["related"] | void): { success: boolean; message: string; related?: Task["related"] } {
  try {
    const related = apply();
    return related ? { success: true, message: "Ok", related } : { success: true, message: "Ok" };
  } catch (err) {
    if (err instanceof RuleViolation) return { success: false, message: err.message };
    throw err;
  }
}

/** The effect of an AddCloudSubtenant task: checks EM's rules at the time the task runs, then adds the subtenant. */
export function addSubtenantEffect(state: EmState, tenant: Tenant, spec: Decoded): () => { success: boolean; message: string } {
  return () =>
    outcomeOf(() => {
      const name = String(spec.Name).trim();
      if (name === "") throw new RuleViolation("The subtenant name must not be empty");
      if (String(spec.Password) === "") throw new RuleViolation("The subtenant password must not be empty");
      const unicode = nonAsciiCharacter(name);
      if (unicode !== undefined) throw new RuleViolation(`The subtenant name '${name}' contains the Unicode character '${unicode}'; subtenant names must not contain Unicode characters`);
      if (state.subtenants.some((s) => s.tenantId === tenant.id && sameName(s.name, name))) {
        throw new RuleViolation(`Cloud tenant '${tenant.name}' already has a subtenant named '${name}'`);
      }
      const unlimited = spec.UnlimitedQuota as boolean;
      const tenantResourceId = String(spec.TenantResourceId);
      const quotaMb = checkQuota(tenant, { unlimited, tenantResourceId, quotaMb: spec.QuotaMb as number | undefined });
      state.subtenants.push({
        id: randomUUID(),
        tenantId: tenant.id,
        name,
        description: (spec.Description as string | undefined) ?? "",
        password: String(spec.Password),
        enabled: (spec.Enabled as boolean | undefined) ?? true,
        quota: { unlimited, displayName: (spec.QuotaName as string | undefined) ?? name, tenantResourceId, quotaMb, usedQuotaMb: 0, quotaId: randomUUID() },
      });
    });
}

/** The effect of an EditCloudSubtenant task; the name cannot change (checked before the task starts). */
export function editSubtenantEffect(state: EmState, tenant: Tenant, subtenantId: string, body: Decoded): () => { success: boolean; message: string } {
  return () =>
    outcomeOf(() => {
      const subtenant = state.subtenants.find((s) => s.id === subtenantId);
      if (!subtenant) throw new RuleViolation(`Subtenant '${subtenantId}' no longer exists`);
      const quotaBody = body.RepositoryQuota as Decoded | undefined;
      let quota = subtenant.quota;
      if (quotaBody) {
        const unlimited = (quotaBody.Unlimited as boolean | undefined) ?? quota.unlimited;
        const tenantResourceId = (quotaBody.TenantResourceId as string | undefined) ?? quota.tenantResourceId;
        const quotaMb = checkQuota(tenant, { unlimited, tenantResourceId, quotaMb: quotaBody.QuotaMb as number | undefined });
        quota = { ...quota, unlimited, tenantResourceId, quotaMb, displayName: (quotaBody.DisplayName as string | undefined) ?? quota.displayName };
      }
      // EM never returns a password, so an empty one in an edit body means "keep the current password".
      const password = body.Password as string | undefined;
      Object.assign(subtenant, {
        description: (body.Description as string | undefined) ?? subtenant.description,
        password: password !== undefined && password !== "" ? password : subtenant.password,
        enabled: (body.Enabled as boolean | undefined) ?? subtenant.enabled,
        quota,
      });
    });
}

export function deleteSubtenantEffect(state: EmState, subtenantId: string): () => { success: boolean; message: string } {
  return () =>
    outcomeOf(() => {
      const index = state.subtenants.findIndex((s) => s.id === subtenantId);
      if (index < 0) throw new RuleViolation(`Subtenant '${subtenantId}' no longer exists`);
      state.subtenants.splice(index, 1);
    });
}
