import * as pulumi from "@pulumi/pulumi";
import { secretNames, seededOutputs } from "../fields";
import { providerShim } from "../shim";
import type { ConnectionArgs } from "../connection";
import type { PasswordPolicy } from "../subtenant/fields";
import { TENANT_FIELDS, type BackupResourceValue } from "./fields";

export interface BackupResourceArgs {
  /** The cloud repository, by name or UID, on the tenant's backup server; one quota per repository. */
  repository: pulumi.Input<string>;
  /** Quota in MB, at least 1024. */
  quotaMb: pulumi.Input<number>;
  /** The quota's friendly name, unique in the tenant. */
  name: pulumi.Input<string>;
}

export interface CloudTenantArgs {
  /** The tenant's name (its user name). EM cannot rename: changing it replaces the tenant. */
  name: pulumi.Input<string>;
  /** Kept secret in state and outputs. EM never returns it. */
  password: pulumi.Input<string>;
  /** "always" (default): sent whenever it changes; "initial": set at create and adopt only. */
  passwordPolicy?: pulumi.Input<PasswordPolicy>;
  description?: pulumi.Input<string>;
  /** Default true. */
  enabled?: pulumi.Input<boolean>;
  /** The backup server, by name or UID. Changing it replaces the tenant. */
  backupServer: pulumi.Input<string>;
  /** ISO 8601; no lease when left out. */
  leaseExpiration?: pulumi.Input<string>;
  /** Default 1. */
  maxConcurrentTasks?: pulumi.Input<number>;
  throttling?: pulumi.Input<{ enabled: pulumi.Input<boolean>; speedLimit?: pulumi.Input<number>; unit?: pulumi.Input<"Mbps" | "KBps" | "MBps"> }>;
  /** Quotas on cloud repositories; the outputs carry each one's `id` for a Subtenant's `tenantResourceId`. */
  backupResources?: pulumi.Input<pulumi.Input<BackupResourceArgs>[]>;
  /** Delete the tenant's backups when it is destroyed (EM's includeBackups). Default false: they are kept. */
  deleteBackupsOnDestroy?: pulumi.Input<boolean>;
  /** Allow removing a backup resource that holds the tenant's backups. Default false: refused. */
  allowBackupResourceDataLoss?: pulumi.Input<boolean>;
  /** Take over a tenant of that name on that backup server that already exists, instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The EM this tenant lives in, instead of the stack's `veeam-em:*` config. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** One serialized shim for every CloudTenant. */
const provider = providerShim("CloudTenant");

/** A Cloud Connect tenant with its backup resources (quotas on cloud repositories), in Veeam Backup Enterprise Manager. */
export class CloudTenant extends pulumi.dynamic.Resource {
  declare readonly tenantId: pulumi.Output<string>;
  declare readonly tenantUid: pulumi.Output<string>;
  declare readonly backupServerId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;
  declare readonly passwordPolicy: pulumi.Output<PasswordPolicy>;
  declare readonly description: pulumi.Output<string>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly backupServer: pulumi.Output<string>;
  declare readonly leaseExpiration: pulumi.Output<string | undefined>;
  declare readonly maxConcurrentTasks: pulumi.Output<number>;
  declare readonly throttling: pulumi.Output<{ enabled: boolean; speedLimit: number; unit: string } | undefined>;
  declare readonly backupResources: pulumi.Output<Required<BackupResourceValue>[]>;
  declare readonly deleteBackupsOnDestroy: pulumi.Output<boolean>;
  declare readonly allowBackupResourceDataLoss: pulumi.Output<boolean>;

  constructor(name: string, args: CloudTenantArgs, opts?: pulumi.CustomResourceOptions) {
    const secrets = secretNames(TENANT_FIELDS);
    const props: Record<string, unknown> = { ...seededOutputs(TENANT_FIELDS), ...args };
    for (const key of secrets) if (props[key] !== undefined) props[key] = pulumi.secret(props[key]);
    super(provider, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets] }, "veeam-em", "CloudTenant");
  }
}
