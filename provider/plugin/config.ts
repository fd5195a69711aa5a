/**
 * The plugin's provider configuration: the members of a resource's `connection` (one table, fields/connection.ts)
 * plus `maxConnections`, set per provider instance (one instance per EM) or as `veeam-em:*` stack config. Each key
 * falls back to its VEEAM_EM_* environment variable, as the dynamic resources' settings do.
 */
import { CONNECTION_FIELD, type Field } from "../resources/fields";
import { CONFIG_NAMESPACE, ConnectionConfigError, connectionSettings, type ConfigSource } from "../resources/connection";
import type { ConnectionSettings } from "../client";

const MAX_CONNECTIONS: Field = { name: "maxConnections", type: { kind: "integer" }, doc: "most concurrent connections to EM", min: 1 };

/** The provider's configuration keys, as fields. None is required here: each may come from the environment. */
export const PROVIDER_CONFIG_FIELDS: readonly Field[] = [...CONNECTION_FIELD.type.fields.map((f) => ({ ...f, required: false })), MAX_CONNECTIONS];

const KEYS = new Set(PROVIDER_CONFIG_FIELDS.map((f) => f.name));

/**
 * The configuration as the engine sends it to Configure / CheckConfig: un-namespaced keys with typed values
 * (`args`), or, from older engines, `veeam-em:config:<key>` variables. Values become the strings the stack config
 * reader parses; unknown keys (the engine's `version`, say) are left out.
 */
export function configValues(args: Record<string, unknown>, variables: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    const bare = key.startsWith(`${CONFIG_NAMESPACE}:config:`) ? key.slice(`${CONFIG_NAMESPACE}:config:`.length) : key;
    if (KEYS.has(bare) && value !== "") values[bare] = value;
  }
  for (const [key, value] of Object.entries(args)) {
    if (!KEYS.has(key) || value === undefined || value === null || value === "") continue;
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return values;
}

/** The values as the connection reader takes them (`veeam-em:<key>`). */
export function configSource(values: Record<string, string>): ConfigSource {
  return { get: (key) => (key.startsWith(`${CONFIG_NAMESPACE}:`) ? values[key.slice(CONFIG_NAMESPACE.length + 1)] : undefined) };
}

/**
 * What is wrong with the configuration, as check failures. A key that is simply not set is no failure here: a
 * preview needs no EM, and `up` names what is missing when it first connects.
 */
export function configFailures(values: Record<string, string>, env: NodeJS.ProcessEnv): Array<{ property: string; reason: string }> {
  try {
    connectionSettings(configSource(values), env);
    return [];
  } catch (err) {
    if (!(err instanceof ConnectionConfigError) || err.notSet) return [];
    return [{ property: err.key !== undefined && KEYS.has(err.key) ? err.key : "", reason: err.message }];
  }
}

/** The client's settings for this configuration (and the environment), or the error that names what is missing. */
export function settingsOf(values: Record<string, string>, env: NodeJS.ProcessEnv): ConnectionSettings {
  return connectionSettings(configSource(values), env);
}
