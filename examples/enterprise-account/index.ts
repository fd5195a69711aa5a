/**
 * One Enterprise Manager account: the Active Directory user TECH\carol.portal with the "Portal User" role, allowed
 * to restore every VM.
 *
 * Run it against the EM emulator (this directory is a Pulumi project of its own, see Pulumi.yaml here):
 *
 *   npm ci && npm run build                                  # in the repository root
 *   npm run emulator -- --port 9399 &
 *   cd examples/enterprise-account
 *   pulumi login --local && pulumi stack init dev
 *   pulumi config set veeam-em:url http://127.0.0.1:9399/api/
 *   pulumi config set veeam-em:username admin
 *   pulumi config set --secret veeam-em:password admin
 *   pulumi up
 *
 * In a project of your own: install the package as the README's "Install in your own stack" says (it is not on
 * the npm registry yet: `npm pack` in a clone, then `npm install <that .tgz> @pulumi/pulumi`), copy this file,
 * and use your own names.
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
