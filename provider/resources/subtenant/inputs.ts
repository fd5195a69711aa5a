import { Checker, type Failure } from "../validation";

/** EM refuses subtenant quotas under 1 GB. */
export const MIN_QUOTA_MB = 1024;

/** The subtenant's inputs as the provider sees them, after `check` applied the defaults. */
export interface SubtenantInputs {
  /** Exactly one of tenantId and tenantName. */
  tenantId?: string;
  tenantName?: string;
  name: string;
  password: string;
  description: string;
  enabled: boolean;
  tenantResourceId: string;
  quotaName?: string;
  quotaMb?: number;
  unlimitedQuota: boolean;
  adopt?: boolean;
}

/** The arguments a stack can declare. */
export const SUBTENANT_ARGS = ["tenantId", "tenantName", "name", "password", "description", "enabled", "tenantResourceId", "quotaName", "quotaMb", "unlimitedQuota", "adopt"] as const;

/** What the provider stores and returns: the inputs merged with what EM reports. */
export interface SubtenantOutputs extends SubtenantInputs {
  subtenantId: string;
  tenantId: string;
  tenantName: string;
  /** The quota's display name as EM reports it. */
  quotaName: string;
  quotaMb: number;
  usedQuotaMb: number;
  /** EM's id of the subtenant's own quota ("" when EM does not report it). */
  quotaId: string;
  /** Which arguments the stack declared, so a refresh returns those as inputs and no others. */
  declaredArgs: string[];
}

const NAME_MAX = 128;

/** Checks every field and fills the defaults; failures name the field, the problem and what is allowed. */
export function checkSubtenantInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failure[] } {
  const c = new Checker(news);
  c.string("tenantId", { nonEmpty: true });
  c.string("tenantName", { nonEmpty: true });
  if (!c.has("tenantId") && !c.has("tenantName")) c.fail("tenantId", "set tenantId (the tenant's id) or tenantName (looked up in EM)");
  if (c.has("tenantId") && c.has("tenantName")) c.fail("tenantName", "set only one of tenantId and tenantName");
  c.string("name", { required: true, nonEmpty: true, maxLength: NAME_MAX });
  c.string("password", { required: true, nonEmpty: true });
  c.string("description");
  c.boolean("enabled");
  c.string("tenantResourceId", { required: true, nonEmpty: true });
  c.string("quotaName", { nonEmpty: true });
  // Unknown during a preview: the quota rule waits for the real value.
  const unlimited = c.has("unlimitedQuota") ? c.boolean("unlimitedQuota") : false;
  c.integer("quotaMb", { min: MIN_QUOTA_MB });
  if (unlimited === false && !c.has("quotaMb")) c.fail("quotaMb", `quotaMb is required unless unlimitedQuota is true; give a size in MB of at least ${MIN_QUOTA_MB}`);
  c.boolean("adopt");
  const inputs: Record<string, unknown> = { description: "", enabled: true, unlimitedQuota: false, ...stripNullish(news) };
  return { inputs, failures: c.failures };
}

function stripNullish(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== null));
}
