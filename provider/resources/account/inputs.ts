import { argumentNames, checkInputs } from "../fields";
import type { EmConnection } from "../connection";
import type { Failure } from "../validation";
import { ACCOUNT_FIELDS, ACCOUNT_TYPES, accountNameProblem, type AccountType, type FlrSettings, type ScopeObject, type SqlSettings } from "./fields";

export { ACCOUNT_TYPES, accountNameProblem, type AccountType, type FlrSettings, type ScopeObject, type SqlSettings };

export interface EnterpriseAccountInputs {
  accountType: AccountType;
  accountName: string;
  /** Role names ("Portal User") or UIDs (urn:veeam:EnterpriseRole:…). */
  roles: string[];
  allowRestoreAllVms: boolean;
  hierarchyScopeObjects?: ScopeObject[];
  flrSettings?: FlrSettings;
  sqlSettings?: SqlSettings;
  adopt?: boolean;
  /** The EM this account lives in, when not the stack's config. */
  connection?: EmConnection;
}

/** The arguments a stack can declare. */
export const ACCOUNT_ARGS: readonly string[] = argumentNames(ACCOUNT_FIELDS);

export interface EnterpriseAccountOutputs extends EnterpriseAccountInputs {
  accountId: string;
  /** urn:veeam:EnterpriseAccount:<id> */
  accountUid: string;
  /** The roles' UIDs and names as EM reports them, in declaration order. */
  roleUids: string[];
  roleNames: string[];
  /** Internal: which arguments the stack declared, so a refresh returns those as inputs and no others. */
  __declared?: string[];
  /** Where state written by version 0.1 kept `__declared` (a visible output then); read, never written. */
  declaredArgs?: string[];
}

export function checkAccountInputs(news: object): { inputs: EnterpriseAccountInputs; failures: Failure[] } {
  return checkInputs<EnterpriseAccountInputs>(ACCOUNT_FIELDS, news);
}
