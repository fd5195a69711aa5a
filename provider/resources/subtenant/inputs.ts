import { argumentNames, checkInputs } from "../fields";
import type { Failure } from "../validation";
import type { EmConnection } from "../connection";
import { MIN_QUOTA_MB, SUBTENANT_FIELDS, type PasswordPolicy } from "./fields";

export { MIN_QUOTA_MB };

/** The subtenant's inputs as the provider sees them, after `check` applied the defaults. */
export interface SubtenantInputs {
  /** Exactly one of tenantId and tenantName. */
  tenantId?: string;
  tenantName?: string;
  name: string;
  password: string;
  /** "always" (the default) or "initial" (sent at create only). */
  passwordPolicy?: PasswordPolicy;
  description: string;
  enabled: boolean;
  tenantResourceId: string;
  quotaName?: string;
  quotaMb?: number;
  unlimitedQuota: boolean;
  adopt?: boolean;
  /** The EM this subtenant lives in, when not the stack's config. */
  connection?: EmConnection;
}

/** The arguments a stack can declare. */
export const SUBTENANT_ARGS: readonly string[] = argumentNames(SUBTENANT_FIELDS);

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
  /** Internal: which arguments the stack declared, so a refresh returns those as inputs and no others. */
  __declared?: string[];
  /** Where state written by version 0.1 kept `__declared` (a visible output then); read, never written. */
  declaredArgs?: string[];
}

/** Checks every field and fills the defaults; failures name the field, the problem and what is allowed. */
export function checkSubtenantInputs(news: object): { inputs: SubtenantInputs; failures: Failure[] } {
  return checkInputs<SubtenantInputs>(SUBTENANT_FIELDS, news);
}
