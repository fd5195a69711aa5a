/**
 * Input checking for `check`: every problem names the field, says what is wrong and what is allowed. Values
 * that are not known yet (a preview with inputs computed from other resources) are left for a later check.
 */

/** The value the engine sends for inputs that are unknown during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Failure {
  property: string;
  reason: string;
}

export const isUnknown = (value: unknown): boolean => value === UNKNOWN;

/** Collects failures; each check passes when the value is unknown. */
export class Checker {
  readonly failures: Failure[] = [];

  constructor(private readonly inputs: Record<string, unknown>) {}

  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }

  /** The value, unless it is absent or unknown. */
  known(property: string): unknown {
    const value = this.inputs[property];
    return value === undefined || value === null || isUnknown(value) ? undefined : value;
  }

  has(property: string): boolean {
    const value = this.inputs[property];
    return value !== undefined && value !== null;
  }

  string(property: string, options: { required?: boolean; nonEmpty?: boolean; maxLength?: number } = {}): string | undefined {
    const value = this.inputs[property];
    if (value === undefined || value === null) {
      if (options.required) this.fail(property, `${property} is required`);
      return undefined;
    }
    if (isUnknown(value)) return undefined;
    if (typeof value !== "string") {
      this.fail(property, `${property} must be a string, got ${typeof value}`);
      return undefined;
    }
    if (options.nonEmpty && value.trim() === "") this.fail(property, `${property} must not be empty`);
    if (options.maxLength !== undefined && value.length > options.maxLength) this.fail(property, `${property} must be at most ${options.maxLength} characters, got ${value.length}`);
    return value;
  }

  boolean(property: string): boolean | undefined {
    const value = this.known(property);
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") {
      this.fail(property, `${property} must be true or false, got ${JSON.stringify(value)}`);
      return undefined;
    }
    return value;
  }

  integer(property: string, options: { min?: number } = {}): number | undefined {
    const value = this.known(property);
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.fail(property, `${property} must be a whole number, got ${JSON.stringify(value)}`);
      return undefined;
    }
    if (options.min !== undefined && value < options.min) this.fail(property, `${property} must be at least ${options.min}, got ${value}`);
    return value;
  }

  oneOf<T extends string>(property: string, allowed: readonly T[], options: { required?: boolean } = {}): T | undefined {
    const value = this.string(property, options);
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) {
      this.fail(property, `${property} must be one of ${allowed.join(", ")}; got '${value}'`);
      return undefined;
    }
    return value as T;
  }
}
