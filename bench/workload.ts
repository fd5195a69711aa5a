/** What the benchmark declares: the same resources, in the same order, for every provider. */

/** The emulator seed's standalone tenant "ABC Company" and its cloud repository. */
export const TENANT_ID = "28ddf9b9-12fa-431a-a34c-a327f05c3920";
export const TENANT_RESOURCE_ID = "11c59670-23df-448c-a4b3-74c42669633e";
export const ADMIN_USER = "admin";
/** The emulator's administrator password for the run: a demo value of the bench, not a secret. */
export const ADMIN_PASSWORD = "bench-Admin-Pass-7";

export type Kind = "subtenant" | "account" | "tenant";
/** "unchanged": `pulumi up` with nothing changed (the engine's check and diff of each resource). */
export type Operation = "create" | "read" | "update" | "delete" | "unchanged";

export interface SubtenantDeclaration {
  tenantId: string;
  name: string;
  password: string;
  description: string;
  enabled: boolean;
  tenantResourceId: string;
  quotaMb: number;
  unlimitedQuota: boolean;
}

export interface AccountDeclaration {
  accountType: "User";
  accountName: string;
  roles: string[];
  allowRestoreAllVms: boolean;
}

/**
 * The tenants subtenants are spread over in the refresh cases: the seed's tenant first, then copies of it that the
 * bench's emulator adds (bench/emulator-host.ts --tenants).
 */
export function benchTenant(k: number): { id: string; name: string; resourceId: string } {
  if (k === 0) return { id: TENANT_ID, name: "ABC Company", resourceId: TENANT_RESOURCE_ID };
  const hex = k.toString(16).padStart(8, "0");
  return { id: `${hex}-bbbb-4bbb-8bbb-bbbbbbbbbbbb`, name: `Bench Tenant ${k}`, resourceId: `${hex}-cccc-4ccc-8ccc-cccccccccccc` };
}

/** Subtenant `index`, of tenant index % tenants. */
export function subtenantDeclaration(prefix: string, index: number, updated = false, tenants = 1): SubtenantDeclaration {
  const tenant = benchTenant(index % tenants);
  return {
    tenantId: tenant.id,
    name: `${prefix}-${index}`,
    password: "Bench-Subtenant-Pass-1",
    description: updated ? `bench subtenant ${index}, updated` : `bench subtenant ${index}`,
    enabled: true,
    tenantResourceId: tenant.resourceId,
    quotaMb: 2048,
    unlimitedQuota: false,
  };
}

/** A standalone tenant on the seed's backup server with one backup resource; the update changes its description. */
export interface TenantDeclaration {
  name: string;
  password: string;
  description: string;
  backupServer: string;
  maxConcurrentTasks: number;
  backupResources: Array<{ repository: string; quotaMb: number; name: string }>;
}

export function tenantDeclaration(prefix: string, index: number, updated = false): TenantDeclaration {
  return {
    name: `${prefix}-tenant-${index}`,
    password: "Bench-Tenant-Pass-1",
    description: updated ? `bench tenant ${index}, updated` : `bench tenant ${index}`,
    backupServer: "172.24.31.67",
    maxConcurrentTasks: 1,
    backupResources: [{ repository: "Cloud Repository 02", quotaMb: 2048, name: "bench quota" }],
  };
}

export function accountDeclaration(prefix: string, index: number): AccountDeclaration {
  return { accountType: "User", accountName: `BENCH\\${prefix}-${index}`, roles: ["Portal User"], allowRestoreAllVms: true };
}

/** Runs `work` for 0..n-1 with at most `concurrency` at a time, as the engine does with `--parallel`. */
export async function inParallel(n: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(n, Math.max(1, concurrency)) }, async () => {
    while (next < n) {
      const index = next++;
      await work(index);
    }
  });
  await Promise.all(lanes);
}

/**
 * How far the durations of the latency samples' tasks spread around the nominal one: ±10 %, widened to ±0.5 s (a
 * whole period of a 1 s poll) where that leaves at least half the task.
 */
export function latencySpreadMs(taskMs: number): number {
  return Math.max(0.1 * taskMs, Math.min(0.5 * taskMs, 500));
}
