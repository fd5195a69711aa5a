/**
 * TenantOnboarding: every tenant the file declares, and every subtenant and EM account of an onboarding data file,
 * as one component.
 *
 * The constructor checks the whole file and finds every tenant's and subtenant's password in secret stack config
 * before anything is declared, and throws one OnboardingDataError (every problem, each with its place) when
 * anything is wrong. It then looks the existing tenants, their quota resources and roles up by name in EM; a name
 * EM does not know, or a quota above the tenant's, rejects `ready` with the same kind of error, and no resource is
 * declared. A tenant the file declares (one with a backupServer) is a CloudTenant; its subtenants take their
 * quota resource from its backupResources output, by name.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { getCloudTenant, getRole, getTenantQuota, type CloudTenantInfo, type LookupOptions, type RoleInfo, type TenantQuotaInfo } from "../lookups";
import { EnterpriseAccount, type EnterpriseAccountArgs } from "../resources/account/resource";
import type { ConnectionArgs } from "../resources/connection";
import { Subtenant, type SubtenantArgs } from "../resources/subtenant/resource";
import { CloudTenant, type CloudTenantArgs } from "../resources/tenant/resource";
import { sameName } from "../resources/names";
import { ConfigReader, parseConfigPath, passwordCommand } from "./config-path";
import {
  OnboardingDataError,
  accountResourceName,
  allAccounts,
  parseOnboardingData,
  parseOnboardingText,
  readOnboardingData,
  subtenantResourceName,
  tenantResourceName,
  type AccountEntry,
  type ManagedTenantEntry,
  type OnboardingData,
  type Problem,
  type SubtenantEntry,
  type TenantEntry,
} from "./data";
import { ALL, ROLE_UID_PATTERN, UNLIMITED } from "./format";

export interface TenantOnboardingArgs {
  /** The data file's content: parsed JSON, or its text. Give this or `path`. */
  data?: unknown;
  /** The data file's path (relative to the working directory). Give this or `data`. */
  path?: string;
  /** How messages name the data when it is given as `data` (default "onboarding data"). */
  source?: string;
  /**
   * The EM of this data file, instead of the stack's `veeam-em:*` config (several EMs in one stack, one
   * component per EM): the look-ups and every subtenant and account use it. Kept secret in state.
   */
  connection?: pulumi.Input<ConnectionArgs>;
}

export interface SubtenantSummary {
  subtenantId: pulumi.Output<string>;
  enabled: pulumi.Output<boolean>;
  quotaResource: string;
  quotaMb: pulumi.Output<number>;
  unlimitedQuota: pulumi.Output<boolean>;
  usedQuotaMb: pulumi.Output<number>;
}

export interface AccountSummary {
  accountId: pulumi.Output<string>;
  roles: pulumi.Output<string[]>;
  allowRestoreAllVms: pulumi.Output<boolean>;
  restoreScope: "all" | string[];
}

export interface TenantSummary {
  tenantId: pulumi.Input<string>;
  /** Whether the file declares the tenant itself (a CloudTenant), rather than naming one EM has. */
  declared: boolean;
  /** A declared tenant's backup resources, each with its id. */
  backupResources?: pulumi.Output<Array<{ name: string; repository: string; quotaMb: number; id: string; usedQuotaMb: number }>>;
  subtenants: Record<string, SubtenantSummary>;
  accounts: Record<string, AccountSummary>;
}

/** What the component declared; never a password (these are what a pull request's preview shows). */
export interface OnboardingSummary {
  tenants: Record<string, TenantSummary>;
  /** The accounts of the data file's top-level "accounts" list. */
  accounts: Record<string, AccountSummary>;
}

interface Prepared {
  data: OnboardingData;
  passwords: Map<string, pulumi.Output<string>>;
}

export const TENANT_ONBOARDING_TYPE = "veeam-em:onboarding:TenantOnboarding";

/**
 * What the component declares its children as, and its own type: the dynamic resources by default; the
 * `veeam-em` plugin's Construct passes its own resources (provider/plugin/construct.ts). Only the outputs the
 * component reads are asked of a child.
 */
export interface OnboardingChildren {
  type: string;
  /** How the look-ups connect when the component has no `connection` argument. */
  lookup?: LookupOptions;
  cloudTenant(name: string, args: CloudTenantArgs, opts: pulumi.CustomResourceOptions): Pick<CloudTenant, "tenantId" | "backupResources">;
  subtenant(name: string, args: SubtenantArgs, opts: pulumi.CustomResourceOptions): Pick<Subtenant, "subtenantId" | "enabled" | "quotaMb" | "unlimitedQuota" | "usedQuotaMb">;
  account(name: string, args: EnterpriseAccountArgs, opts: pulumi.CustomResourceOptions): Pick<EnterpriseAccount, "accountId" | "roleNames" | "allowRestoreAllVms">;
}

/** The dynamic resources (TypeScript programs). */
export const DYNAMIC_CHILDREN: OnboardingChildren = {
  type: TENANT_ONBOARDING_TYPE,
  cloudTenant: (name, args, opts) => new CloudTenant(name, args, opts),
  subtenant: (name, args, opts) => new Subtenant(name, args, opts),
  account: (name, args, opts) => new EnterpriseAccount(name, args, opts),
};

export class TenantOnboarding extends pulumi.ComponentResource<OnboardingSummary> {
  #prepared?: Prepared;
  /** How the look-ups and resources connect: `args.connection`, else the stack's `veeam-em:*` config. */
  #lookup: LookupOptions = {};
  #children: OnboardingChildren = DYNAMIC_CHILDREN;

  constructor(name: string, args: TenantOnboardingArgs, opts?: pulumi.ComponentResourceOptions, children: OnboardingChildren = DYNAMIC_CHILDREN) {
    // Everything that needs no EM is checked before anything is registered.
    const data = loadData(args);
    const passwords = secretPasswords(data); // a missing secret is the cheapest error to fix
    // No inputs: the data file may be large, and the component's state needs none of it.
    super(children.type, name, {}, opts);
    this.#prepared = { data, passwords };
    this.#children = children;
    if (args.connection !== undefined) this.#lookup = { connection: args.connection };
    else if (children.lookup !== undefined) this.#lookup = children.lookup;
  }

  /** Resolves once every resource is declared; rejects with an OnboardingDataError naming every unknown name. */
  get ready(): Promise<void> {
    return this.getData().then(() => undefined);
  }

  /** Per tenant, its id and its subtenants' and accounts' ids, quotas and roles. */
  get tenants(): pulumi.Output<pulumi.Unwrap<OnboardingSummary["tenants"]>> {
    return pulumi.output(this.getData()).apply((d) => d.tenants);
  }

  /** The accounts of the top-level "accounts" list. */
  get accounts(): pulumi.Output<pulumi.Unwrap<OnboardingSummary["accounts"]>> {
    return pulumi.output(this.getData()).apply((d) => d.accounts);
  }

  protected override async initialize(): Promise<OnboardingSummary> {
    // Called from the base constructor: wait until this constructor has stored the checked file.
    await Promise.resolve();
    const { data, passwords } = this.#prepared!;
    const resolved = await resolveNames(data, this.#lookup);
    const summary = this.declare(data, passwords, resolved);
    this.registerOutputs(summary);
    return summary;
  }

  private declare(data: OnboardingData, passwords: Map<string, pulumi.Output<string>>, resolved: Resolved): OnboardingSummary {
    // Children of this component; the alias keeps the resources of stacks made by the earlier example program
    // (declared at the stack's top level), so that moving to the component replaces nothing.
    const opts: pulumi.CustomResourceOptions = { parent: this, aliases: [{ parent: pulumi.rootStackResource }] };
    const tenants: Record<string, TenantSummary> = {};
    for (const tenant of data.tenants) {
      const subtenants: Record<string, SubtenantSummary> = {};
      if (tenant.managed) {
        const cloudTenant = this.cloudTenant(tenant.name, tenant.managed, passwords);
        for (const sub of tenant.subtenants) {
          const resourceId = cloudTenant.backupResources.apply((list) => list.find((r) => sameName(r.name, sub.backupResource!))?.id ?? "");
          subtenants[sub.name] = this.subtenant(tenant, cloudTenant.tenantId, sub, { id: resourceId, displayName: sub.backupResource! }, passwords, opts);
        }
        const backupResources = cloudTenant.backupResources.apply((list) => list.map(({ name, repository, quotaMb, id, usedQuotaMb }) => ({ name, repository, quotaMb, id, usedQuotaMb })));
        tenants[tenant.name] = { tenantId: cloudTenant.tenantId, declared: true, backupResources, subtenants, accounts: this.declareAccounts(tenant.accounts, resolved, opts) };
        continue;
      }
      const info = resolved.tenants.get(tenant.name)!;
      for (const sub of tenant.subtenants) subtenants[sub.name] = this.subtenant(tenant, info.id, sub, resolved.quotas.get(quotaKey(tenant.name, sub))!, passwords, opts);
      tenants[tenant.name] = { tenantId: info.id, declared: false, subtenants, accounts: this.declareAccounts(tenant.accounts, resolved, opts) };
    }
    return { tenants, accounts: this.declareAccounts(data.accounts, resolved, opts) };
  }

  /** A tenant the file declares: a CloudTenant with the entry's arguments and the password from stack config. */
  private cloudTenant(name: string, managed: ManagedTenantEntry, passwords: Map<string, pulumi.Output<string>>) {
    return this.#children.cloudTenant(tenantResourceName(name), { ...managed.args, name, password: passwords.get(tenantPasswordKey(name))!, ...this.connection() }, { parent: this });
  }

  private subtenant(tenant: TenantEntry, tenantId: pulumi.Input<string>, sub: SubtenantEntry, quota: { id: pulumi.Input<string>; displayName: string }, passwords: Map<string, pulumi.Output<string>>, opts: pulumi.CustomResourceOptions): SubtenantSummary {
    const name = subtenantResourceName(tenant.name, sub.name);
    const unlimited = sub.quotaMb === UNLIMITED;
    const subtenant = this.#children.subtenant(
      name,
      {
        tenantId,
        name: sub.name,
        password: passwords.get(name)!,
        description: sub.description ?? "",
        enabled: sub.enabled,
        tenantResourceId: quota.id,
        ...(unlimited ? { unlimitedQuota: true } : { quotaMb: sub.quotaMb as number, unlimitedQuota: false }),
        ...(sub.adopt && { adopt: true }),
        ...(sub.passwordPolicy !== "always" && { passwordPolicy: sub.passwordPolicy }),
        ...this.connection(),
      },
      opts,
    );
    return {
      subtenantId: subtenant.subtenantId,
      enabled: subtenant.enabled,
      quotaResource: quota.displayName,
      quotaMb: subtenant.quotaMb,
      unlimitedQuota: subtenant.unlimitedQuota,
      usedQuotaMb: subtenant.usedQuotaMb,
    };
  }

  /** The resources' `connection` argument, when the component has one. */
  private connection(): { connection?: pulumi.Input<ConnectionArgs> } {
    if (this.#lookup === this.#children.lookup) return {}; // the children's provider is their connection
    const connection = this.#lookup.connection as pulumi.Input<ConnectionArgs> | undefined;
    return connection === undefined ? {} : { connection };
  }

  private declareAccounts(entries: AccountEntry[], resolved: Resolved, opts: pulumi.CustomResourceOptions): Record<string, AccountSummary> {
    const accounts: Record<string, AccountSummary> = {};
    for (const entry of entries) {
      const scope = entry.restoreScope;
      const account = this.#children.account(
        accountResourceName(entry.name),
        {
          accountType: entry.type,
          accountName: entry.name,
          // UIDs, not names: they are the same in every EM version, where some role names differ.
          roles: entry.roles.map((role) => (isRoleUid(role) ? role : resolved.roles.get(role.toLowerCase())!.uid)),
          allowRestoreAllVms: scope === ALL,
          ...(scope !== ALL && { hierarchyScopeObjects: scope }),
          ...(entry.adopt && { adopt: true }),
          ...this.connection(),
        },
        opts,
      );
      accounts[entry.name] = {
        accountId: account.accountId,
        roles: account.roleNames,
        allowRestoreAllVms: account.allowRestoreAllVms,
        restoreScope: scope === ALL ? ALL : scope.map((o) => o.objectName),
      };
    }
    return accounts;
  }
}

const isRoleUid = (role: string) => new RegExp(ROLE_UID_PATTERN).test(role);

function loadData(args: TenantOnboardingArgs): OnboardingData {
  if ((args.data === undefined) === (args.path === undefined)) throw new Error("TenantOnboarding: give the data file's content as `data` or its location as `path` (exactly one)");
  if (args.path !== undefined) return readOnboardingData(path.resolve(args.path));
  const source = args.source ?? "onboarding data";
  return typeof args.data === "string" ? parseOnboardingText(args.data, source) : parseOnboardingData(args.data, source);
}

/** The key of a declared tenant's password among the passwords (subtenants' keys always hold a "/"). */
const tenantPasswordKey = (tenant: string) => `tenant:${tenant}`;

/**
 * Every declared tenant's and every subtenant's password from secret stack config; one error lists every one that
 * is missing.
 */
function secretPasswords(data: OnboardingData): Map<string, pulumi.Output<string>> {
  const project = new pulumi.Config().name;
  const passwords = new Map<string, pulumi.Output<string>>();
  const missing: string[] = [];
  const whose = new Set<string>();
  // Each config key read and parsed once, however many passwords step into it (linear in the subtenants).
  const config = new ConfigReader((namespace, key) => new pulumi.Config(namespace ?? project).get(key));
  const notSecret: string[] = [];
  const read = (key: string, configPath: string, kind: "tenant" | "subtenant", what: string, at: string) => {
    const where = parseConfigPath(configPath);
    const value = config.read(where);
    if (typeof value === "string" && value !== "") {
      passwords.set(key, pulumi.secret(value));
      if (!storedAsSecret(`${where.namespace ?? project}:${where.key}`)) notSecret.push(`  - ${what} (${data.file}: ${at}): run: ${passwordCommand(configPath)}`);
    } else {
      whose.add(kind);
      missing.push(`  - ${what} (${data.file}: ${at}): config ${where.namespace === undefined ? `${project}:` : ""}${configPath} is not set; run: ${passwordCommand(configPath)}`);
    }
  };
  for (const tenant of data.tenants) {
    if (tenant.managed) read(tenantPasswordKey(tenant.name), tenant.managed.passwordConfig, "tenant", `tenant '${tenant.name}'`, tenant.at);
    for (const sub of tenant.subtenants) read(subtenantResourceName(tenant.name, sub.name), sub.passwordConfig, "subtenant", `subtenant '${sub.name}' of tenant '${tenant.name}'`, sub.at);
  }
  if (missing.length > 0) throw new Error(`missing ${[...whose].join(" and ")} password${missing.length > 1 ? "s" : ""} in stack config (passwords never go in ${data.file}):\n${missing.join("\n")}`);
  if (notSecret.length > 0) throw new Error(`passwords stored in stack config in plain text; set them again as secrets (the old values stay in the stack's history):\n${notSecret.join("\n")}`);
  return passwords;
}

/**
 * Whether the stack config key (`namespace:key`) holds a secret. The SDK knows it from the engine's list of secret
 * keys (PULUMI_CONFIG_SECRET_KEYS, which names a key set with `--secret --path` too); an SDK without the function
 * cannot tell, and the password is then taken as a secret all the same.
 */
function storedAsSecret(fullKey: string): boolean {
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  return typeof isConfigSecret !== "function" || isConfigSecret(fullKey);
}

type QuotaInfo = Pick<TenantQuotaInfo, "id" | "displayName" | "quotaMb" | "tenantName">;

interface Resolved {
  tenants: Map<string, CloudTenantInfo>;
  quotas: Map<string, QuotaInfo>;
  roles: Map<string, RoleInfo>;
}

/** One key per tenant and quota resource as the entry names it (display name, id, or neither). */
const quotaKey = (tenant: string, sub: Pick<SubtenantEntry, "quotaResource" | "quotaResourceId">) =>
  `${tenant.toLowerCase()}\u0000${sub.quotaResourceId !== undefined ? `id:${sub.quotaResourceId.toLowerCase()}` : `name:${sub.quotaResource?.toLowerCase() ?? ""}`}`;

/** Looks every tenant, quota resource and role up in EM; one error lists every name that EM does not know. */
async function resolveNames(data: OnboardingData, lookup: LookupOptions): Promise<Resolved> {
  const problems: Problem[] = [];
  const fail = (at: string, err: unknown) => problems.push({ file: data.file, at, message: err instanceof Error ? err.message : String(err) });
  const resolved: Resolved = { tenants: new Map(), quotas: new Map(), roles: new Map() };

  // Each role name once, remembering the first place it is used at for the message; UIDs are the resource's to check.
  const roleNames = new Map<string, { name: string; at: string }>();
  for (const account of allAccounts(data))
    account.roles.forEach((role, i) => {
      if (!isRoleUid(role) && !roleNames.has(role.toLowerCase())) roleNames.set(role.toLowerCase(), { name: role, at: `${account.at}.roles[${i}]` });
    });

  await Promise.all([
    // A tenant the file declares is not looked up: its subtenants' quota resources were bound to it when read.
    ...data.tenants.filter((tenant) => !tenant.managed).map(async (tenant) => {
      let info: CloudTenantInfo;
      try {
        info = await getCloudTenant({ name: tenant.name }, lookup);
        resolved.tenants.set(tenant.name, info);
      } catch (err) {
        fail(`${tenant.at}.name`, err);
        return; // its quota resources cannot be found either
      }
      const wanted = new Map<string, SubtenantEntry>();
      for (const sub of tenant.subtenants) if (!wanted.has(quotaKey(tenant.name, sub))) wanted.set(quotaKey(tenant.name, sub), sub);
      await Promise.all(
        [...wanted].map(async ([key, sub]) => {
          if (sub.quotaResourceId !== undefined) {
            const found = info.resources.find((r) => r.id.toLowerCase() === sub.quotaResourceId!.toLowerCase());
            if (found) resolved.quotas.set(key, { ...found, tenantName: info.name });
            else fail(`${sub.at}.quotaResourceId`, `tenant '${info.name}' has no quota resource with id ${sub.quotaResourceId}; its quota resources are: ${info.resources.map((r) => `'${r.displayName}' (${r.id})`).join(", ") || "(none)"}`);
            return;
          }
          try {
            resolved.quotas.set(key, await getTenantQuota({ tenantName: tenant.name, displayName: sub.quotaResource }, lookup));
          } catch (err) {
            fail(`${sub.at}.${sub.quotaResource === undefined ? "quotaMb" : "quotaResource"}`, err);
          }
        }),
      );
    }),
    ...[...roleNames].map(async ([key, { name, at }]) => {
      try {
        resolved.roles.set(key, await getRole({ name }, lookup));
      } catch (err) {
        fail(at, err);
      }
    }),
  ]);

  // EM refuses a subtenant quota larger than the tenant's quota on that resource: say so before anything is created.
  for (const tenant of data.tenants)
    for (const sub of tenant.subtenants) {
      const quota = resolved.quotas.get(quotaKey(tenant.name, sub));
      if (quota && typeof sub.quotaMb === "number" && sub.quotaMb > quota.quotaMb) {
        problems.push({ file: data.file, at: `${sub.at}.quotaMb`, message: `${sub.quotaMb} MB exceeds the quota of tenant '${quota.tenantName}' on '${quota.displayName}' (${quota.quotaMb} MB)` });
      }
    }
  if (problems.length > 0) throw new OnboardingDataError(collapse(problems));
  return resolved;
}

/** One failure that hits every look-up (EM unreachable, connection not configured) is reported once. */
function collapse(problems: Problem[]): Problem[] {
  const byMessage = new Map<string, Problem>();
  for (const p of problems) {
    const seen = byMessage.get(p.message);
    if (seen) seen.at = `${seen.at}, ${p.at}`;
    else byMessage.set(p.message, { ...p });
  }
  return [...byMessage.values()].sort((a, b) => a.at.localeCompare(b.at, "en", { numeric: true }));
}
