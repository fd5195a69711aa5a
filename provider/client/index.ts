export { EmClient, type EmClientHooks, GUID, ROLE_URN, sameLease, sameUid, subtenantDiffers } from "./client";
export { LOGGED_ON, MAX_SESSION_RENEWALS } from "./session";
export { type ConnectionSettings, type Credentials, type RetrySettings, type WireFormat, EmSettingsError, resolveSettings, normalizeBaseUrl, redactUrl, isLoopback } from "./settings";
export { MAX_REQUEST_TIMEOUT_MS, MAX_TASK_TIMEOUT_MS, MAX_SECONDS } from "./limits";
export { EmApiError, EmCreatedUnreadableError, EmNameTakenError, EmOutcomeUnknownError, EmTaskFailedError, EmTaskLostError, EmTaskTimeoutError, isNotFound, outcomeUnknown, type EmErrorKind } from "./errors";
export { POLICIES, pollUntil, dispatchThenVerify, withRetry, type RetryPolicy, type PolicyName, type PollOptions } from "./retry";
export { Query, QueryRunner, QUERY_LIMITS, where, quoteValue, Filter, Raw, type FilterValue, type QueryFormat } from "./query";
export { type TaskOutcome, type PollTiming } from "./tasks";
export { BATCH_WINDOW_MS, SubtenantReads, subtenantReads } from "./batch";
export { AccountReads, accountReads } from "./account-reads";
export { HELD_FOR_MS } from "./changes";
export { RunLookups, runLookups } from "./run-lookups";
export { isRetryable, policyOf, MAX_ANSWER_BYTES, MAX_UNPAGED_LIST_BYTES, type Method, type TransportRequest } from "./request";
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
