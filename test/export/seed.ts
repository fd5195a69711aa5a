/**
 * An EM of a service provider with history, for the export tests: several standalone cloud tenants with their
 * repositories (one whose two quota resources share a display name, one with no subtenants, one with a lease and
 * throttling), 120 subtenants (some unlimited, some disabled, some
 * without a description) and 90 accounts of every type (some with a restricted restore scope, some holding a role
 * whose name EM has twice), plus EM's built-in administrators group and an account the file cannot declare.
 */
import type { SeedFile } from "../../emulator/store";
import type { Account, Repository, Role, Subtenant, Tenant } from "../../emulator/model";

const guid = (kind: number, n: number) => `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export const ROLES: Role[] = [
  { id: "5f37a46b-9ce2-40f4-8a62-b45b079257fc", name: "Portal Administrator" },
  { id: "d19a3d33-cb77-4ffe-94e6-001432483a4e", name: "Portal User" },
  { id: "f84a8b62-49b8-4d0c-b25b-92321b52bab6", name: "File Restore Operator" },
  { id: "c11c0c38-ba8b-49c7-bf70-fc2058fff1e2", name: "VM Restore Operator" },
  { id: "f83e4c81-0815-452f-9377-9d573dd9d481", name: "Exchange Restore Operator" },
  // Two roles of one name (made by hand in EM): accounts holding either are exported with the role's UID.
  { id: guid(9, 1), name: "Auditor" },
  { id: guid(9, 2), name: "auditor" },
];

const BACKUP_SERVER = { id: "ca19249e-e638-421a-ab22-68cb89b9009a", name: "vbr01" };
const MB_PER_RESOURCE = 10_000_000;

function tenant(n: number, name: string, resources: Array<{ displayName: string }>): Tenant {
  return {
    id: guid(1, n),
    name,
    description: `${name} (seeded)`,
    enabled: true,
    type: "Standalone",
    backupServerId: BACKUP_SERVER.id,
    password: `tenant-${n}`,
    maxConcurrentTasks: 2,
    resources: resources.map((r, i) => ({
      id: guid(2, n * 10 + i),
      displayName: r.displayName,
      repositoryUid: `urn:veeam:Repository:${guid(3, n * 10 + i)}`,
      quotaMb: MB_PER_RESOURCE,
      usedQuotaMb: 0,
    })),
  };
}

export const TENANTS: Tenant[] = [
  { ...tenant(1, "ACME Corp", [{ displayName: "ACME Repository" }]), leaseExpiration: "2031-06-30T00:00:00Z", throttling: { enabled: true, speedLimitMbps: 40, unit: "Mbps" } },
  tenant(2, "Globex", [{ displayName: "Gold" }, { displayName: "Silver" }]),
  tenant(3, "Initech", [{ displayName: "Cloud Repository" }, { displayName: "cloud repository" }]),
  tenant(4, "Umbrella Health", [{ displayName: "Umbrella Repository" }]),
  tenant(5, "Wayne Enterprises", [{ displayName: "Wayne Repository" }]),
];

/** 30 subtenants for each of the first four tenants. */
function subtenants(): Subtenant[] {
  const result: Subtenant[] = [];
  let n = 0;
  for (const t of TENANTS.slice(0, 4))
    for (let i = 1; i <= 30; i++) {
      n++;
      const resource = t.resources[i % t.resources.length];
      const unlimited = i % 7 === 0;
      result.push({
        id: guid(4, n),
        tenantId: t.id,
        name: `${t.name.split(" ")[0].toLowerCase()}-dept-${String(i).padStart(2, "0")}`,
        description: i % 5 === 0 ? "" : `Department ${i} of ${t.name}`,
        password: `old-password-${n}`,
        enabled: i % 6 !== 0,
        // EM reports an unlimited quota with the resource's size.
        quota: { unlimited, displayName: `quota-${n}`, tenantResourceId: resource.id, quotaMb: unlimited ? resource.quotaMb : 1024 * (1 + (i % 9)), usedQuotaMb: 100 * i, quotaId: guid(5, n) },
      });
    }
  return result;
}

const TYPES = ["User", "Group", "ExternalUser", "ExternalGroup"] as const;

function accountName(type: (typeof TYPES)[number], i: number): string {
  switch (type) {
    case "User":
      return `TECH\\user-${i}`;
    case "Group":
      return `TECH\\group-${i}`;
    case "ExternalUser":
      return `user-${i}@example.com`;
    case "ExternalGroup":
      return `partner group ${i}`;
  }
}

function accounts(): Account[] {
  const result: Account[] = [{ id: guid(6, 0), type: "Group", name: "BUILTIN\\Administrators", roleIds: [ROLES[0].id], allowRestoreAllVms: true, scope: [] }];
  for (let i = 1; i <= 90; i++) {
    const type = TYPES[i % TYPES.length];
    const restricted = i % 5 === 0;
    const roleIds = [ROLES[1 + (i % 4)].id, ...(i % 3 === 0 ? [ROLES[5 + (i % 2)].id] : [])];
    result.push({
      id: guid(6, i),
      type,
      name: accountName(type, i),
      roleIds,
      allowRestoreAllVms: !restricted,
      scope: restricted ? [1, 2].slice(0, 1 + (i % 2)).map((k) => ({ id: guid(7, i * 10 + k), objectName: `VM-${i}-${k}`, hierarchyObjRef: `urn:VMware:Vm:${guid(8, 1)}.vm-${i * 10 + k}` })) : [],
    });
  }
  // May restore everything, yet holds scope objects: "all" in the file would remove them, so it is left out.
  result.push({ id: guid(6, 999), type: "User", name: "TECH\\legacy-operator", roleIds: [ROLES[3].id], allowRestoreAllVms: true, scope: [{ id: guid(7, 99999), objectName: "OLD-VM", hierarchyObjRef: `urn:VMware:Vm:${guid(8, 1)}.vm-1` }] });
  return result;
}

/** A cloud repository on the backup server for each of the tenants' quotas. */
function repositories(): Repository[] {
  return TENANTS.flatMap((t) => t.resources.map((r, i) => ({ id: r.repositoryUid.replace("urn:veeam:Repository:", ""), name: `${t.name} repository ${i + 1}`, backupServerId: BACKUP_SERVER.id })));
}

export function largeSeed(): SeedFile {
  return { backupServers: [BACKUP_SERVER], repositories: repositories(), tenants: structuredClone(TENANTS), subtenants: subtenants(), roles: structuredClone(ROLES), accounts: accounts() };
}

/** Tenants the export writes as declared by the file (standalone, backup resources of distinct names): all but Initech. */
export const DECLARED_TENANTS = 4;

/** Accounts the export takes by default: all but the built-in group and the one it cannot declare. */
export const EXPORTABLE_ACCOUNTS = 90;
export const SUBTENANTS = 120;
