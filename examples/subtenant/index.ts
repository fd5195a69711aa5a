/**
 * One Cloud Connect subtenant of the tenant "ABC Company", with a 10 GB quota on the tenant's cloud repository.
 *
 * Run it against the EM emulator. This directory is a Pulumi project of its own (Pulumi.yaml, package.json,
 * tsconfig.json): copy it anywhere, or use it where it is.
 *
 *   npm pack /path/to/a/clone/of/pulumi-veeam-em            # → pulumi-veeam-em-0.1.0.tgz, which package.json names
 *   npm install
 *   npx veeam-em-emulator --port 9399 &
 *   pulumi login --local && pulumi stack init dev
 *   pulumi config set veeam-em:url http://127.0.0.1:9399/api/
 *   pulumi config set veeam-em:username admin
 *   pulumi config set --secret veeam-em:password admin
 *   pulumi config set --secret subtenantPassword 'S@les-2026'
 *   pulumi up
 *
 * Against your EM, set veeam-em:* to it instead and use your own names.
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
