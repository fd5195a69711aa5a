/**
 * One Cloud Connect subtenant of the tenant "ABC Company", with a 10 GB quota on the tenant's cloud repository.
 *
 * Run it against the EM emulator (this directory is a Pulumi project of its own, see Pulumi.yaml here):
 *
 *   npm ci && npm run build                                  # in the repository root
 *   npm run emulator -- --port 9399 &
 *   cd examples/subtenant
 *   pulumi login --local && pulumi stack init dev
 *   pulumi config set veeam-em:url http://127.0.0.1:9399/api/
 *   pulumi config set veeam-em:username admin
 *   pulumi config set --secret veeam-em:password admin
 *   pulumi config set --secret subtenantPassword 'S@les-2026'
 *   pulumi up
 *
 * In a project of your own: install the package as the README's "Install in your own stack" says (it is not on
 * the npm registry yet: `npm pack` in a clone, then `npm install <that .tgz> @pulumi/pulumi`), copy this file,
 * and use your tenant's names.
 */
import * as pulumi from "@pulumi/pulumi";
import { Subtenant, getTenantQuota } from "pulumi-veeam-em";

const config = new pulumi.Config();

// The tenant's quota resource by display name; it also carries the tenant's id.
const quota = getTenantQuota({ tenantName: "ABC Company", displayName: "ABC Company Cloud Repository" });

const subtenant = new Subtenant("abc-sales", {
  tenantId: quota.then((q) => q.tenantId),
  tenantResourceId: quota.then((q) => q.id),
  name: "abc-sales",
  password: config.requireSecret("subtenantPassword"),
  description: "Sales department",
  quotaMb: 10240,
});

export const subtenantId = subtenant.subtenantId;
export const quotaMb = subtenant.quotaMb;
