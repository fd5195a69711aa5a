/**
 * GitOps onboarding of Veeam Cloud Connect subtenants and Enterprise Manager accounts.
 *
 * `tenants.json` (next to this file; see data.ts for its format) lists, per cloud tenant, its subtenants and EM
 * accounts. A pull request edits that file; CI runs `pulumi preview` on it and `pulumi up` after the merge.
 * The program checks the file, looks tenants, quota resources and roles up by name in EM, and declares one
 * `Subtenant` per subtenant and one `EnterpriseAccount` per account.
 *
 * Run it (from the repository root, whose Pulumi.yaml points here) against the bundled EM emulator:
 *
 *   npm ci && npm run build
 *   npm run emulator -- --port 9399 &                 # EM emulator with its default seed (tenant "ABC Company")
 *   pulumi login --local && pulumi stack init dev     # any backend will do
 *   pulumi config set veeam-em:url http://127.0.0.1:9399/api/
 *   pulumi config set veeam-em:username admin
 *   pulumi config set --secret veeam-em:password admin
 *   pulumi config set --secret --path 'subtenantPasswords["ABC Company"]["abc-finance"]' 'Fin@nce-2026'
 *   pulumi config set --secret --path 'subtenantPasswords["ABC Company"]["abc-engineering"]' 'Eng1neering-2026'
 *   pulumi config set --secret --path 'subtenantPasswords["ABC Company"]["abc-archive"]' 'Arch1ve-2026'
 *   pulumi up
 *
 * Configuration (namespace veeam-em-onboarding, the project's name):
 * - `subtenantPasswords` (secret, required): the subtenants' passwords, by tenant name and subtenant name, as
 *   above. Passwords never live in the data file. A subtenant without a password is an error that names the
 *   command to run. Set each with `--secret`, so that the stack file holds only ciphertext.
 * - `dataFile` (optional): another data file, relative to this directory (default `tenants.json`).
 * The EM connection comes from `veeam-em:*` (or the VEEAM_EM_* environment), as for the resources themselves.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EnterpriseAccount, Subtenant, getCloudTenant, getRole, getTenantQuota, type CloudTenantInfo, type RoleInfo, type TenantQuotaInfo } from "pulumi-veeam-em";
import { OnboardingDataError, accountResourceName, passwordCommand, readOnboardingData, subtenantResourceName, type OnboardingData, type Problem } from "./data";

interface OnboardingOptions {
  /** The data file; default: config `dataFile`, else tenants.json next to this program. */
  dataFile?: string;
}

/** Every subtenant's password from the secret config `subtenantPasswords`; one error lists all that are missing. */
function subtenantPasswords(data: OnboardingData): Map<string, pulumi.Output<string>> {
  const config = new pulumi.Config();
  const key = `${config.name}:subtenantPasswords`;
  const raw = config.get("subtenantPasswords");
  let byTenant: Record<string, unknown> = {};
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error(`config ${key} must be an object of passwords by tenant and subtenant name; set each password with: ${passwordCommand("<tenant>", "<subtenant>")}`);
    }
    byTenant = parsed as Record<string, unknown>;
  }
  const passwords = new Map<string, pulumi.Output<string>>();
  const missing: string[] = [];
  for (const tenant of data.tenants) {
    const forTenant = byTenant[tenant.name];
    for (const sub of tenant.subtenants) {
      const value = forTenant !== null && typeof forTenant === "object" ? (forTenant as Record<string, unknown>)[sub.name] : undefined;
      if (typeof value === "string" && value !== "") passwords.set(subtenantResourceName(tenant.name, sub.name), pulumi.secret(value));
      else missing.push(`  - subtenant '${sub.name}' of tenant '${tenant.name}' (${data.file}: ${sub.at}): config ${key}[${JSON.stringify(tenant.name)}][${JSON.stringify(sub.name)}] is not set; run: ${passwordCommand(tenant.name, sub.name)}`);
    }
  }
  if (missing.length > 0) throw new Error(`missing subtenant password${missing.length > 1 ? "s" : ""} in stack config (passwords never go in ${data.file}):\n${missing.join("\n")}`);
  return passwords;
}

interface Resolved {
  tenants: Map<string, CloudTenantInfo>;
  quotas: Map<string, TenantQuotaInfo>;
  roles: Map<string, RoleInfo>;
}

const quotaKey = (tenant: string, displayName: string | undefined) => `${tenant.toLowerCase()}\u0000${displayName?.toLowerCase() ?? ""}`;

/** Looks every tenant, quota resource and role up by name; one error lists every name that EM does not know. */
async function resolveNames(data: OnboardingData): Promise<Resolved> {
  const problems: Problem[] = [];
  const fail = (at: string, err: unknown) => problems.push({ file: data.file, at, message: err instanceof Error ? err.message : String(err) });
  const resolved: Resolved = { tenants: new Map(), quotas: new Map(), roles: new Map() };

  // Each name once, remembering the first place it is used at for the message.
  const roleNames = new Map<string, { name: string; at: string }>();
  for (const tenant of data.tenants)
    for (const account of tenant.accounts)
      account.roles.forEach((role, i) => {
        if (!roleNames.has(role.toLowerCase())) roleNames.set(role.toLowerCase(), { name: role, at: `${account.at}.roles[${i}]` });
      });

  await Promise.all([
    ...data.tenants.map(async (tenant) => {
      try {
        resolved.tenants.set(tenant.name, await getCloudTenant({ name: tenant.name }));
      } catch (err) {
        fail(`${tenant.at}.name`, err);
        return; // its quota resources cannot be found either
      }
      const wanted = new Map<string, { displayName?: string; at: string }>();
      for (const sub of tenant.subtenants) {
        const key = quotaKey(tenant.name, sub.quotaResource);
        if (!wanted.has(key)) wanted.set(key, { displayName: sub.quotaResource, at: `${sub.at}.${sub.quotaResource === undefined ? "quotaMb" : "quotaResource"}` });
      }
      await Promise.all(
        [...wanted].map(async ([key, { displayName, at }]) => {
          try {
            resolved.quotas.set(key, await getTenantQuota({ tenantName: tenant.name, displayName }));
          } catch (err) {
            fail(at, err);
          }
        }),
      );
    }),
    ...[...roleNames].map(async ([key, { name, at }]) => {
      try {
        resolved.roles.set(key, await getRole({ name }));
      } catch (err) {
        fail(at, err);
      }
    }),
  ]);

  // EM refuses a subtenant quota larger than the tenant's quota on that resource: say so before anything is created.
  for (const tenant of data.tenants)
    for (const sub of tenant.subtenants) {
      const quota = resolved.quotas.get(quotaKey(tenant.name, sub.quotaResource));
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

function dataFilePath(options: OnboardingOptions): string {
  if (options.dataFile !== undefined) return path.resolve(options.dataFile);
  return path.resolve(__dirname, new pulumi.Config().get("dataFile") ?? "tenants.json");
}

/** The program: Pulumi calls the exported function and publishes what it returns as the stack's outputs. */
async function onboarding(options: OnboardingOptions = {}) {
  const data = readOnboardingData(dataFilePath(options));
  const passwords = subtenantPasswords(data); // before any EM call: a missing secret is the cheapest error to fix
  const resolved = await resolveNames(data);

  const tenants: Record<string, unknown> = {};
  for (const tenant of data.tenants) {
    const info = resolved.tenants.get(tenant.name)!;
    const subtenants: Record<string, unknown> = {};
    for (const sub of tenant.subtenants) {
      const quota = resolved.quotas.get(quotaKey(tenant.name, sub.quotaResource))!;
      const name = subtenantResourceName(tenant.name, sub.name);
      const unlimited = sub.quotaMb === "unlimited";
      const subtenant = new Subtenant(name, {
        tenantId: info.id,
        name: sub.name,
        password: passwords.get(name)!,
        description: sub.description ?? "",
        enabled: sub.enabled,
        tenantResourceId: quota.id,
        ...(unlimited ? { unlimitedQuota: true } : { quotaMb: sub.quotaMb as number, unlimitedQuota: false }),
      });
      // Never the password: outputs are what a pull request's preview shows.
      subtenants[sub.name] = {
        subtenantId: subtenant.subtenantId,
        enabled: subtenant.enabled,
        quotaResource: quota.displayName,
        quotaMb: subtenant.quotaMb,
        unlimitedQuota: subtenant.unlimitedQuota,
        usedQuotaMb: subtenant.usedQuotaMb,
      };
    }
    const accounts: Record<string, unknown> = {};
    for (const entry of tenant.accounts) {
      const scope = entry.restoreScope;
      const all = scope === "all";
      const account = new EnterpriseAccount(accountResourceName(entry.name), {
        accountType: entry.type,
        accountName: entry.name,
        // UIDs, not names: they are the same in every EM version, where some role names differ.
        roles: entry.roles.map((role) => resolved.roles.get(role.toLowerCase())!.uid),
        allowRestoreAllVms: all,
        ...(scope !== "all" && { hierarchyScopeObjects: scope }),
      });
      accounts[entry.name] = {
        accountId: account.accountId,
        roles: account.roleNames,
        allowRestoreAllVms: account.allowRestoreAllVms,
        restoreScope: scope === "all" ? "all" : scope.map((o) => o.objectName ?? o.hierarchyObjRef),
      };
    }
    tenants[tenant.name] = { tenantId: info.id, subtenants, accounts };
  }
  return { tenants };
}

export = onboarding;
