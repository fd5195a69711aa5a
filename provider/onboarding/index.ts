/** pulumi-veeam-em/onboarding: the TenantOnboarding component and its data file. */
export { TenantOnboarding, TENANT_ONBOARDING_TYPE, type TenantOnboardingArgs, type OnboardingSummary, type TenantSummary, type SubtenantSummary, type AccountSummary } from "./component";
export {
  OnboardingDataError,
  parseOnboardingData,
  parseOnboardingText,
  readOnboardingData,
  formatProblem,
  subtenantResourceName,
  accountResourceName,
  type OnboardingData,
  type TenantEntry,
  type SubtenantEntry,
  type AccountEntry,
  type Problem,
} from "./data";
export { defaultPasswordPath, passwordCommand, parseConfigPath, formatConfigPath } from "./config-path";
export { onboardingSchema, SCHEMA_FILE } from "./schema";
