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

export function checkTenantInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failure[] } {
  return checkInputs(TENANT_FIELDS, news);
}
