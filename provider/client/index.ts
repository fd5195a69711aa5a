export { EmClient, type EmClientHooks } from "./client";
export { type ConnectionSettings, type Credentials, type RetrySettings, type WireFormat, EmSettingsError, resolveSettings, normalizeBaseUrl } from "./settings";
export { EmApiError, EmTaskFailedError, EmTaskLostError, EmTaskTimeoutError, outcomeUnknown, type EmErrorKind } from "./errors";
export { Query, QueryRunner, where, quoteValue, Filter, Raw, type FilterValue, type QueryFormat } from "./query";
export { type TaskOutcome, type PollTiming } from "./tasks";
export { isRetryable, type Method, type TransportRequest } from "./transport";
export type {
  AccountRole,
  AccountScope,
  AccountType,
  CloudSubtenant,
  CloudSubtenantCreateSpec,
  CloudSubtenantEditSpec,
  CloudSubtenantQuota,
  CloudTenant,
  CloudTenantResource,
  EnterpriseAccount,
  EnterpriseAccountCreateSpec,
  EnterpriseAccountInRoleCreateSpec,
  EnterpriseRole,
  EntityRef,
  HierarchyScopeCreateSpec,
  HierarchyScopeItem,
  LoginSpec,
  TenantType,
} from "./codec";
