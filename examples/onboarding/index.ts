/**
 * GitOps onboarding of Veeam Cloud Connect tenants, subtenants and Enterprise Manager accounts.
 *
 * `tenants.json` (next to this file; its format is the JSON Schema it names in "$schema", explained in the
 * README's "The onboarding data file") lists, per cloud tenant, its subtenants and EM accounts; a tenant entry with
 * a `backupServer` declares the tenant itself, with its backup resources. A pull request edits that file; CI runs
 * `pulumi preview` on it and `pulumi up` after the merge. The package's TenantOnboarding component checks the file,
 * looks existing tenants, quota resources and roles up by name in EM, and declares one `CloudTenant` per declared
 * tenant, one `Subtenant` per subtenant and one `EnterpriseAccount` per account.
 *
 * This directory is a Pulumi project of its own (Pulumi.yaml, package.json, tsconfig.json): copy it anywhere, or
 * use it where it is. Run it against the bundled EM emulator:
 *
 *   npm pack /path/to/a/clone/of/pulumi-veeam-em       # → pulumi-veeam-em-0.1.0.tgz, which package.json names
 *   npm install
 *   npx veeam-em-emulator --port 9399 &                # EM emulator with its default seed (tenant "ABC Company")
 *   pulumi login --local && pulumi stack init dev      # any backend will do
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
 *   above (or wherever a subtenant's `passwordConfig` says). A subtenant without one is an error that names the
 *   command to run.
 * - `tenantPasswords` (secret): the passwords of the tenants the file declares (those with a `backupServer`), by
 *   tenant name (or wherever the tenant's `passwordConfig` says).
 * - `dataFile` (optional): another data file, relative to this directory (default `tenants.json`).
 *   `new-tenant.json` declares a tenant to create, with its backup resource and a subtenant on it:
 *     pulumi config set dataFile new-tenant.json
 *     pulumi config set --secret --path 'tenantPasswords["Acme Corp"]' 'Acme-T3nant-2026'
 *     pulumi config set --secret --path 'subtenantPasswords["Acme Corp"]["acme-laptops"]' 'L4ptops-2026'
 *     pulumi up
 * The EM connection comes from `veeam-em:*` (or the VEEAM_EM_* environment), as for the resources themselves.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { TenantOnboarding } from "pulumi-veeam-em/onboarding";

/** The program: Pulumi calls the exported function and publishes what it returns as the stack's outputs. */
export = async (options: { dataFile?: string } = {}) => {
  const dataFile = options.dataFile ?? path.resolve(__dirname, new pulumi.Config().get("dataFile") ?? "tenants.json");
  const onboarding = new TenantOnboarding("onboarding", { path: dataFile });
  await onboarding.ready; // fails the run, with no Subtenant or account declared, if EM does not know a name
  return { tenants: onboarding.tenants, accounts: onboarding.accounts };
};
