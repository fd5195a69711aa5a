import { argumentNames, checkInputs } from "../fields";
import type { Failure } from "../validation";
import type { EmConnection } from "../connection";
import type { PasswordPolicy } from "../subtenant/fields";
import { TENANT_FIELDS, type BackupResourceValue } from "./fields";

/** The tenant's inputs as the provider sees them, after `check` applied the defaults. */
export interface CloudTenantInputs {
  name: string;
  password: string;
  passwordPolicy?: PasswordPolicy;
  description: string;
  enabled: boolean;
  backupServer: string;
  leaseExpiration?: string;
  maxConcurrentTasks: number;
  throttling?: { enabled: boolean; speedLimit?: number; unit?: "Mbps" | "KBps" | "MBps" };
  backupResources?: BackupResourceValue[];
  deleteBackupsOnDestroy: boolean;
  allowBackupResourceDataLoss: boolean;
  adopt?: boolean;
  connection?: EmConnection;
}

export const TENANT_ARGS: readonly string[] = argumentNames(TENANT_FIELDS);

/** What the provider stores: the inputs merged with what EM reports. */
export interface CloudTenantOutputs extends CloudTenantInputs {
  tenantId: string;
  tenantUid: string;
  backupServerId: string;
  backupResources: BackupResourceValue[];
  __declared?: string[];
}

/** The field table's checks, and the rules between backup resources: one quota per repository, names unique in the tenant. */
export function checkTenantInputs(news: object): { inputs: CloudTenantInputs; failures: Failure[] } {
  const { inputs, failures } = checkInputs<CloudTenantInputs>(TENANT_FIELDS, news);
  const resources = Array.isArray(inputs.backupResources) ? (inputs.backupResources as Array<Partial<BackupResourceValue> | undefined>) : [];
  for (const [field, rule] of [
    ["repository", "uses the same repository as backupResources[{first}]; a tenant has one quota per repository (Add-VBRCloudTenant)"],
    ["name", "has the same name as backupResources[{first}]; a backup resource's name is unique in the tenant"],
  ] as const) {
    const seen = new Map<string, number>();
    resources.forEach((r, i) => {
      const value = r?.[field];
      if (typeof value !== "string") return;
      const key = value.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) failures.push({ property: `backupResources[${i}].${field}`, reason: `backupResources[${i}] ${rule.replace("{first}", String(first))}` });
      else seen.set(key, i);
    });
  }
  return { inputs, failures };
}
