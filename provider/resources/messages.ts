/** Messages both resources give. */

export const IMPORT_UNSUPPORTED =
  "Dynamic providers cannot import existing objects ('pulumi import' or the import option); declare the resource with adopt: true instead, and the next 'pulumi up' takes it over";
