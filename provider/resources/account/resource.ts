import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { secretNames, seededOutputs } from "../fields";
import { providerShim } from "../shim";
import { ACCOUNT_FIELDS, type AccountType, type FlrSettings, type ScopeObject, type SqlSettings } from "./fields";

export interface EnterpriseAccountArgs {
  /** User, Group, ExternalUser or ExternalGroup. Changing it replaces the account. */
  accountType: pulumi.Input<AccountType>;
  /** Domain\Name for User and Group, Username@Suffix for ExternalUser, free-form for ExternalGroup. Changing it replaces the account. */
  accountName: pulumi.Input<string>;
  /** Role names (e.g. "Portal User") or role UIDs; changed in place. */
  roles: pulumi.Input<pulumi.Input<string>[]>;
  /** Default true; false restricts restores to `hierarchyScopeObjects`. Changed in place. */
  allowRestoreAllVms?: pulumi.Input<boolean>;
  /** The objects the account may restore when `allowRestoreAllVms` is false; changed in place. */
  hierarchyScopeObjects?: pulumi.Input<pulumi.Input<ScopeObject>[]>;
  /** File-level restore restrictions; EM cannot edit them, so a change replaces the account. */
  flrSettings?: pulumi.Input<FlrSettings>;
  /** SQL restore restrictions; EM cannot edit them, so a change replaces the account. */
  sqlSettings?: pulumi.Input<SqlSettings>;
  /** Take over an EM account of the same name that already exists, instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /**
   * The EM this account lives in, instead of the stack's `veeam-em:*` config (several EMs in one stack). Kept
   * secret in state as a whole. Another `url` replaces the account; any other change of it changes nothing.
   */
  connection?: pulumi.Input<ConnectionArgs>;
}

const provider = providerShim("EnterpriseAccount");

/** A user or group account of Veeam Backup Enterprise Manager, with its roles and restore scope. */
export class EnterpriseAccount extends pulumi.dynamic.Resource {
  declare readonly accountId: pulumi.Output<string>;
  declare readonly accountUid: pulumi.Output<string>;
  declare readonly accountType: pulumi.Output<AccountType>;
  declare readonly accountName: pulumi.Output<string>;
  declare readonly roles: pulumi.Output<string[]>;
  declare readonly roleUids: pulumi.Output<string[]>;
  declare readonly roleNames: pulumi.Output<string[]>;
  declare readonly allowRestoreAllVms: pulumi.Output<boolean>;
  declare readonly hierarchyScopeObjects: pulumi.Output<ScopeObject[] | undefined>;
  declare readonly flrSettings: pulumi.Output<FlrSettings | undefined>;
  declare readonly sqlSettings: pulumi.Output<SqlSettings | undefined>;

  constructor(name: string, args: EnterpriseAccountArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output is seeded, so each `declare readonly` output resolves; secret arguments (the connection) stay secret.
    const secrets = secretNames(ACCOUNT_FIELDS);
    const props: Record<string, unknown> = { ...seededOutputs(ACCOUNT_FIELDS), ...args };
    for (const key of secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
    super(provider, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets] }, "veeam-em", "EnterpriseAccount");
  }
}
