/**
 * What the soak's stacks declare: cloud tenants with a backup resource, subtenants spread over the tenants of the
 * soak's EM seed and accounts of all four types, split between an XML and a JSON stack, in a first version (create)
 * and a changed one (update). Every name
 * starts with the soak's prefix, so objects in EM that no stack holds can be told apart from EM's own.
 */
import { randomBytes } from "node:crypto";
import { readSeedFile, DEFAULT_SEED_PATH, type SeedFile } from "../../emulator/store";
import type { ProviderTexts } from "../engine/provider-text";
import { secret } from "../engine/secrets";

export const SOAK_PREFIX = "soak-";
export const isSoakName = (name: string) => name.toLowerCase().includes(SOAK_PREFIX);

export type Format = "xml" | "json";

export interface SoakTenant {
  id: string;
  name: string;
  resourceId: string;
  /** The largest quota a subtenant may have (the tenant resource's quota). */
  maxQuotaMb: number;
}

/** A fourth Standalone tenant with a quota resource, added to EM's default seed (whose vCD tenant has none). */
const EXTRA_TENANT = {
  id: "6a1c9e52-3f0b-4d7e-9c21-8b5f4e3d2a10",
  name: "Soak Tenant Four",
  description: "Standalone tenant added by the soak",
  enabled: true,
  type: "Standalone" as const,
  backupServerId: "ca19249e-e638-421a-ab22-68cb89b9009a",
  password: "demo-tenant-password",
  maxConcurrentTasks: 4,
  resources: [
    {
      id: "0b7d3e91-6c2a-4f58-a1e4-9d3c2b1a0f87",
      displayName: "Soak Cloud Repository",
      repositoryUid: "urn:veeam:Repository:4e2d1c0b-9a8f-4e7d-b6c5-a4b3c2d1e0f9",
      quotaMb: 204800,
      usedQuotaMb: 0,
    },
  ],
};

/** EM's default seed plus the soak's tenant. */
export function soakSeed(): SeedFile {
  const seed = readSeedFile(DEFAULT_SEED_PATH);
  return { ...seed, tenants: [...(seed.tenants ?? []), EXTRA_TENANT] };
}

/** The tenants a subtenant can be created under: those with a quota resource. */
export function soakTenants(seed: SeedFile): SoakTenant[] {
  return (seed.tenants ?? [])
    .filter((t) => (t.resources ?? []).length > 0)
    .map((t) => ({ id: t.id, name: t.name, resourceId: t.resources[0].id, maxQuotaMb: t.resources[0].quotaMb }));
}

export interface SubtenantDecl {
  kind: "Subtenant";
  /** The resource's name in the program (its URN). */
  key: string;
  tenant: SoakTenant;
  /** Declared by tenantName (looked up) or by tenantId. */
  byTenantName: boolean;
  name: string;
  password: string;
  description: string;
  enabled: boolean;
  quotaMb: number;
  /** Set by the soak's operator after an unknown outcome, as the error told them (see soak.ts). */
  adopt?: boolean;
}

export interface AccountDecl {
  kind: "EnterpriseAccount";
  key: string;
  accountType: "User" | "Group" | "ExternalUser" | "ExternalGroup";
  accountName: string;
  roles: string[];
  allowRestoreAllVms: boolean;
  /** Object names of the restore scope when allowRestoreAllVms is false. */
  scope: string[];
  /** Set by the soak's operator after an unknown outcome, as the error told them (see soak.ts). */
  adopt?: boolean;
}

export interface TenantDecl {
  kind: "CloudTenant";
  key: string;
  name: string;
  password: string;
  description: string;
  enabled: boolean;
  maxConcurrentTasks: number;
  /** One backup resource on a repository of the seed's backup server. */
  repository: string;
  quotaMb: number;
  quotaName: string;
  /** Set by the soak's operator after an unknown outcome, as the error told them (see soak.ts). */
  adopt?: boolean;
}

export type Decl = SubtenantDecl | AccountDecl | TenantDecl;

/** The seed's backup server (by name) and the repositories of it the soak's tenants take their quota on. */
export const SOAK_BACKUP_SERVER = "172.24.31.67";
const SOAK_REPOSITORIES = ["Cloud Repository 02", "Cloud Repository 03", "Silver Repository"];
/** MB of backups the soak writes into each tenant's quota after the create phase (see soak.ts): never to be lost. */
export const SOAK_BACKUP_MB = 512;

/** The name an object of a declaration has in EM. */
export const emNameOf = (d: Decl) => (d.kind === "EnterpriseAccount" ? d.accountName : d.name);

export interface StackDecl {
  /** The stack's name, e.g. soak-xml. */
  name: string;
  format: Format;
  resources: Decl[];
}

/** A recognisable random secret: easy to find in any text, never the same twice. */
export const randomSecret = (label: string) => `SoakSecret${label}-${randomBytes(9).toString("hex")}`;

const ROLE_NAMES = ["Portal User", "File Restore Operator", "VM Restore Operator", "Exchange Restore Operator", "SQL Restore Operator", "Oracle Restore Operator", "Portal Administrator"];
const ACCOUNT_TYPES = ["User", "Group", "ExternalUser", "ExternalGroup"] as const;
const pad = (i: number) => String(i).padStart(3, "0");

function accountName(type: AccountDecl["accountType"], i: number): string {
  switch (type) {
    case "User":
      return `SOAKDOM\\soak-user-${pad(i)}`;
    case "Group":
      return `SOAKDOM\\soak-group-${pad(i)}`;
    case "ExternalUser":
      return `soak-ext-${pad(i)}@soak.example`;
    case "ExternalGroup":
      return `soak-extgroup-${pad(i)}`;
  }
}

export interface DeclareOptions {
  /** Cloud tenants the stacks create (default 0). */
  cloudTenants?: number;
  subtenants: number;
  accounts: number;
  formats: Format[];
  tenants: SoakTenant[];
}

/** The first version of every stack: what the create phase declares. */
export function declareStacks(o: DeclareOptions): StackDecl[] {
  const stacks: StackDecl[] = o.formats.map((format) => ({ name: `soak-${format}`, format, resources: [] }));
  for (let i = 0; i < o.subtenants; i++) {
    const tenant = o.tenants[i % o.tenants.length];
    stacks[i % stacks.length].resources.push({
      kind: "Subtenant",
      key: `sub-${pad(i)}`,
      tenant,
      byTenantName: i % 2 === 0,
      name: `soak-sub-${pad(i)}`,
      password: randomSecret("Sub"),
      description: `soak subtenant ${i}`,
      enabled: true,
      quotaMb: Math.min(tenant.maxQuotaMb, 1024 * (1 + (i % 4))),
    });
  }
  for (let i = 0; i < (o.cloudTenants ?? 0); i++) {
    stacks[i % stacks.length].resources.push({
      kind: "CloudTenant",
      key: `tenant-${pad(i)}`,
      name: `soak-tenant-${pad(i)}`,
      password: randomSecret("Tenant"),
      description: `soak tenant ${i}`,
      enabled: true,
      maxConcurrentTasks: 1 + (i % 3),
      repository: SOAK_REPOSITORIES[i % SOAK_REPOSITORIES.length],
      quotaMb: 2048 + 1024 * (i % 4),
      quotaName: `soak quota ${pad(i)}`,
    });
  }
  for (let i = 0; i < o.accounts; i++) {
    const accountType = ACCOUNT_TYPES[i % ACCOUNT_TYPES.length];
    const restricted = i % 5 === 4;
    stacks[i % stacks.length].resources.push({
      kind: "EnterpriseAccount",
      key: `acct-${pad(i)}`,
      accountType,
      accountName: accountName(accountType, i),
      roles: [ROLE_NAMES[i % (ROLE_NAMES.length - 1)]],
      allowRestoreAllVms: !restricted,
      scope: restricted ? [`soak-vm-${pad(i)}`] : [],
    });
  }
  return stacks;
}

/** The changed version: new descriptions, quotas and passwords, every third subtenant disabled, other roles, a wider scope. */
export function updatedStacks(stacks: StackDecl[]): StackDecl[] {
  return stacks.map((stack) => ({
    ...stack,
    resources: stack.resources.map((d, i): Decl => {
      if (d.kind === "CloudTenant") {
        // A larger quota (the backups written after create stay within it), a new password, every other one disabled.
        return { ...d, description: `${d.description}, updated`, quotaMb: d.quotaMb + 1024, password: randomSecret("Tenant"), enabled: i % 2 !== 0, maxConcurrentTasks: d.maxConcurrentTasks + 1 };
      }
      if (d.kind === "Subtenant") {
        // Every third subtenant is disabled; the rest keep enabled: true.
        return { ...d, description: `${d.description}, updated`, quotaMb: Math.min(d.tenant.maxQuotaMb, d.quotaMb + 1024), password: randomSecret("Sub"), enabled: i % 3 !== 0 };
      }
      // One more role, always another than the first, so every account changes (Portal Administrator stays unused).
      const next = ROLE_NAMES[(ROLE_NAMES.indexOf(d.roles[0]) + 1) % (ROLE_NAMES.length - 1)];
      return {
        ...d,
        roles: [d.roles[0], next],
        scope: d.allowRestoreAllVms ? [] : [...d.scope, `${d.scope[0]}-b`],
      };
    }),
  }));
}

/** The program's arguments of one resource, the password marked secret as `pulumi.secret` does. */
export function argsOf(d: Decl, texts: ProviderTexts): Record<string, unknown> {
  if (d.kind === "CloudTenant") {
    return {
      __provider: texts.CloudTenant,
      name: d.name,
      password: secret(d.password),
      description: d.description,
      enabled: d.enabled,
      backupServer: SOAK_BACKUP_SERVER,
      maxConcurrentTasks: d.maxConcurrentTasks,
      backupResources: [{ repository: d.repository, quotaMb: d.quotaMb, name: d.quotaName }],
      ...(d.adopt && { adopt: true }),
    };
  }
  if (d.kind === "Subtenant") {
    return {
      __provider: texts.Subtenant,
      ...(d.byTenantName ? { tenantName: d.tenant.name } : { tenantId: d.tenant.id }),
      name: d.name,
      password: secret(d.password),
      description: d.description,
      enabled: d.enabled,
      tenantResourceId: d.tenant.resourceId,
      quotaMb: d.quotaMb,
      ...(d.adopt && { adopt: true }),
    };
  }
  return {
    __provider: texts.EnterpriseAccount,
    accountType: d.accountType,
    accountName: d.accountName,
    roles: d.roles,
    allowRestoreAllVms: d.allowRestoreAllVms,
    ...(d.allowRestoreAllVms ? {} : { hierarchyScopeObjects: d.scope.map((objectName) => ({ objectName, hierarchyObjRef: `urn:VMware:Vm:soak.${objectName}` })) }),
    ...(d.adopt && { adopt: true }),
  };
}

export const typeOf = (d: Decl, texts: ProviderTexts) => texts.types[d.kind];
