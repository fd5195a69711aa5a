import * as pulumi from "@pulumi/pulumi";
import { secretNames, seededOutputs } from "../fields";
import { providerShim } from "../shim";
import type { ConnectionArgs } from "../connection";
import { SUBTENANT_FIELDS, type PasswordPolicy } from "./fields";

export interface SubtenantArgs {
  /** The cloud tenant's id (a GUID); or give `tenantName`. Changing it replaces the subtenant. */
  tenantId?: pulumi.Input<string>;
  /** The cloud tenant's name, looked up in EM when the subtenant is created; or give `tenantId`. */
  tenantName?: pulumi.Input<string>;
  /** The subtenant's user name, unique within the tenant. EM cannot rename: changing it replaces the subtenant. */
  name: pulumi.Input<string>;
  /** Kept secret in state and outputs. EM never returns it, so only a change of this value is noticed. */
  password: pulumi.Input<string>;
  /**
   * "always" (default): the declared password is the truth, sent to EM whenever it changes. "initial": set at
   * create and at adopt only, never sent again, so a password the tenant changed is left alone.
   */
  passwordPolicy?: pulumi.Input<PasswordPolicy>;
  description?: pulumi.Input<string>;
  /** Default true. */
  enabled?: pulumi.Input<boolean>;
  /** Id of the tenant's quota resource the subtenant's quota is taken from (see `getTenantQuota`). */
  tenantResourceId: pulumi.Input<string>;
  /** Display name of the subtenant's quota. */
  quotaName?: pulumi.Input<string>;
  /** Quota in MB, at least 1024; required unless `unlimitedQuota` is true. */
  quotaMb?: pulumi.Input<number>;
  /** Default false. */
  unlimitedQuota?: pulumi.Input<boolean>;
  /** Take over a subtenant of the same tenant and name that already exists, instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /**
   * The EM this subtenant lives in, instead of the stack's `veeam-em:*` config (several EMs in one stack). Kept
   * secret in state as a whole. Another `url` replaces the subtenant; any other change of it changes nothing.
   */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** One serialized shim for every Subtenant, so the SDK serializes it once. */
const provider = providerShim("Subtenant");

/** A Cloud Connect subtenant of a cloud tenant, in Veeam Backup Enterprise Manager. */
export class Subtenant extends pulumi.dynamic.Resource {
  declare readonly subtenantId: pulumi.Output<string>;
  declare readonly tenantId: pulumi.Output<string>;
  declare readonly tenantName: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;
  declare readonly passwordPolicy: pulumi.Output<PasswordPolicy>;
  declare readonly description: pulumi.Output<string>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly tenantResourceId: pulumi.Output<string>;
  declare readonly quotaName: pulumi.Output<string>;
  declare readonly quotaMb: pulumi.Output<number>;
  declare readonly unlimitedQuota: pulumi.Output<boolean>;
  declare readonly usedQuotaMb: pulumi.Output<number>;
  declare readonly quotaId: pulumi.Output<string>;

  constructor(name: string, args: SubtenantArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output is seeded, so each `declare readonly` output resolves; secret arguments stay secret.
    const secrets = secretNames(SUBTENANT_FIELDS);
    const props: Record<string, unknown> = { ...seededOutputs(SUBTENANT_FIELDS), ...args };
    for (const key of secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
    super(provider, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets] }, "veeam-em", "Subtenant");
  }
}
