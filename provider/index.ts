/** pulumi-veeam-em: Pulumi resources for Veeam Backup Enterprise Manager. */
export { Subtenant, type SubtenantArgs } from "./resources/subtenant/resource";
export { EnterpriseAccount, type EnterpriseAccountArgs } from "./resources/account/resource";
export type { AccountType, FlrSettings, ScopeObject, SqlSettings, EnterpriseAccountInputs, EnterpriseAccountOutputs } from "./resources/account/inputs";
export { MIN_QUOTA_MB, type SubtenantInputs, type SubtenantOutputs } from "./resources/subtenant/inputs";
export { subtenantNameProblem, PASSWORD_POLICIES, type PasswordPolicy } from "./resources/subtenant/fields";
export { ACCOUNT_TYPES, accountNameProblem } from "./resources/account/inputs";
export { SubtenantProvider } from "./resources/subtenant/provider";
export { CloudTenant, type CloudTenantArgs, type BackupResourceArgs } from "./resources/tenant/resource";
export { CloudTenantProvider } from "./resources/tenant/provider";
export { tenantNameProblem, MIN_TENANT_QUOTA_MB, THROTTLING_UNITS } from "./resources/tenant/fields";
export type { CloudTenantInputs, CloudTenantOutputs } from "./resources/tenant/inputs";
export { EnterpriseAccountProvider } from "./resources/account/provider";
export { type ProviderOptions } from "./resources/base";
export { ClientPool, connectionSettings, ConnectionConfigError, type ConfigSource, type EmConnection, type ConnectionArgs } from "./resources/connection";
export { TenantOnboarding, OnboardingDataError, type TenantOnboardingArgs } from "./onboarding";
export { getCloudTenant, getTenantQuota, getRole, type CloudTenantInfo, type TenantQuotaInfo, type RoleInfo, type LookupOptions } from "./lookups";
export { EmClient, EmApiError, EmTaskFailedError, EmTaskTimeoutError, EmTaskLostError, type ConnectionSettings } from "./client";
