/**
 * What `check` reports, and the value the engine sends for inputs that are not known yet (a preview with inputs
 * computed from other resources): every rule lets it pass and waits for the real value. The rules themselves
 * come from the field tables (fields.ts).
 */

/** The value the engine sends for inputs that are unknown during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Failure {
  property: string;
  reason: string;
}

export const isUnknown = (value: unknown): boolean => value === UNKNOWN;
