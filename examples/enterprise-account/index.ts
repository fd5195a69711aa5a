/**
 * One Enterprise Manager account: the Active Directory user TECH\carol.portal with the "Portal User" role, allowed
 * to restore every VM.
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
 *   pulumi up
 *
 * Against your EM, set veeam-em:* to it instead and use your own names.
 */
import { EnterpriseAccount } from "pulumi-veeam-em";

const account = new EnterpriseAccount("carol-portal", {
  accountType: "User",
  accountName: "TECH\\carol.portal",
  roles: ["Portal User"], // role names or UIDs (urn:veeam:EnterpriseRole:…)
  allowRestoreAllVms: true,
});

export const accountId = account.accountId;
export const roles = account.roleNames;
