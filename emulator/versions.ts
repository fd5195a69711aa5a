import type { Role } from "./model";

/**
 * EM version profiles: what differs between the EM versions a user may run, for the parts the emulator covers.
 * Sources are listed in docs/em-versions.md; where a page is missing the README says what is assumed.
 */
export type EmVersion = "10" | "11" | "12" | "13";

/** Every profile, oldest first; the provider suite can run against each. */
export const EM_VERSIONS: readonly EmVersion[] = ["10", "11", "12", "13"];
export const DEFAULT_EM_VERSION: EmVersion = "13";

export interface EmProfile {
  version: EmVersion;
  /** The `v=` values of POST /sessionMngr/ this EM accepts, oldest first; the last one is what `latest` means. */
  apiVersions: string[];
  /** EM's built-in roles (security_roles pages). */
  roles: Role[];
  /** Whether a subtenant's RepositoryQuota carries QuotaId (get_tenants_id_subtenants_id, 13 only). */
  subtenantQuotaId: boolean;
}

/** The UIDs are the same in every version (security_roles pages of 9.5 U4, 10, 11, 12 and 13). */
const SIX_ROLES: Role[] = [
  { id: "5f37a46b-9ce2-40f4-8a62-b45b079257fc", name: "Portal Administrator" },
  { id: "d19a3d33-cb77-4ffe-94e6-001432483a4e", name: "Portal User" },
  { id: "f84a8b62-49b8-4d0c-b25b-92321b52bab6", name: "File Restore Operator" },
  { id: "c11c0c38-ba8b-49c7-bf70-fc2058fff1e2", name: "VM Restore Operator" },
  { id: "f83e4c81-0815-452f-9377-9d573dd9d481", name: "Exchange Restore Operator" },
  { id: "f78a92b8-9f06-4f1e-b522-4f0927cabd0f", name: "SQL Restore Operator" },
];
const SEVEN_ROLES: Role[] = [...SIX_ROLES, { id: "e9d90e66-b6d4-49dc-8986-73cf33489623", name: "Oracle Restore Operator" }];

/** em_web_api_versions of EM 10 and 11: every version from 1.0 up to their own, with no "not supported" column. */
const UP_TO_V1_5 = ["v1", "v1_1", "v1_2", "v1_3", "v1_4", "v1_5"];

/**
 * em_web_api_versions: EM 10's page lists 1.0 to 1.5 and EM 11's 1.0 to 1.6, all usable. EM 12–13's page marks 1.7
 * "Supported", 1.6 and 1.5 "Deprecated" (still usable) and 1.4 and older "Not supported". No EM accepts a newer one.
 */
const PROFILES: Record<EmVersion, EmProfile> = {
  "10": { version: "10", apiVersions: UP_TO_V1_5, roles: SIX_ROLES, subtenantQuotaId: false },
  "11": { version: "11", apiVersions: [...UP_TO_V1_5, "v1_6"], roles: SEVEN_ROLES, subtenantQuotaId: false },
  "12": { version: "12", apiVersions: ["v1_5", "v1_6", "v1_7"], roles: SEVEN_ROLES, subtenantQuotaId: false },
  "13": { version: "13", apiVersions: ["v1_5", "v1_6", "v1_7"], roles: SEVEN_ROLES, subtenantQuotaId: true },
};

export function emProfile(version: string = DEFAULT_EM_VERSION): EmProfile {
  const profile = PROFILES[version as EmVersion];
  if (!profile) throw new Error(`EM version '${version}' is not one the emulator knows; use one of ${EM_VERSIONS.join(", ")}`);
  return { ...profile, apiVersions: [...profile.apiVersions], roles: profile.roles.map((r) => ({ ...r })) };
}
