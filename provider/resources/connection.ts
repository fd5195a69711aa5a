import type * as pulumi from "@pulumi/pulumi";
import { EmClient, EmSettingsError, MAX_SECONDS, normalizeBaseUrl, resolveSettings, type ConnectionSettings, type Credentials, type EmClientHooks } from "../client";

/** Where the connection settings come from: Pulumi stack config (namespace `veeam-em`), else the environment. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export const CONFIG_NAMESPACE = "veeam-em";

/** Config key (without namespace) → environment variable read when the key is not set. */
const ENV_FALLBACK: Record<string, string> = {
  url: "VEEAM_EM_URL",
  username: "VEEAM_EM_USERNAME",
  password: "VEEAM_EM_PASSWORD",
  tenantName: "VEEAM_EM_TENANT_NAME",
  vcdOrganization: "VEEAM_EM_VCD_ORGANIZATION",
  caCertPath: "VEEAM_EM_CA_CERT",
  insecureSkipTlsVerify: "VEEAM_EM_INSECURE_SKIP_TLS_VERIFY",
  apiVersion: "VEEAM_EM_API_VERSION",
  format: "VEEAM_EM_FORMAT",
  taskTimeoutSeconds: "VEEAM_EM_TASK_TIMEOUT_SECONDS",
  requestTimeoutSeconds: "VEEAM_EM_REQUEST_TIMEOUT_SECONDS",
  retryBudgetSeconds: "VEEAM_EM_RETRY_BUDGET_SECONDS",
  allowInsecureHttp: "VEEAM_EM_ALLOW_INSECURE_HTTP",
  maxConnections: "VEEAM_EM_MAX_CONNECTIONS",
};

export class ConnectionConfigError extends Error {
  /** The config key the error is about (without namespace). */
  readonly key?: string;
  /** The key is simply not set (a preview needs no EM; `up` says so when it first connects). */
  readonly notSet: boolean;

  constructor(message: string, about: { key?: string; notSet?: boolean } = {}) {
    super(message);
    this.name = "ConnectionConfigError";
    this.key = about.key;
    this.notSet = about.notSet ?? false;
  }
}

function reader(config: ConfigSource | undefined, env: NodeJS.ProcessEnv) {
  return (key: string): string | undefined => {
    const fromConfig = config?.get(`${CONFIG_NAMESPACE}:${key}`);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    const fromEnv = env[ENV_FALLBACK[key]];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
}

function requireSetting(read: (key: string) => string | undefined, key: string, why: string): string {
  const value = read(key);
  if (value === undefined) {
    const secret = key === "password" ? " --secret" : "";
    throw new ConnectionConfigError(
      `veeam-em: ${key} is not set (${why}); run 'pulumi config set${secret} ${CONFIG_NAMESPACE}:${key} …' or set the environment variable ${ENV_FALLBACK[key]}`,
      { key, notSet: true },
    );
  }
  return value;
}

function booleanSetting(value: string | undefined, key: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConnectionConfigError(`veeam-em: ${key} must be true or false, got '${value}'`, { key });
}

function secondsSetting(value: string | undefined, key: keyof typeof MAX_SECONDS): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  const max = MAX_SECONDS[key];
  if (!(value.trim() !== "" && Number.isFinite(seconds) && seconds > 0 && seconds <= max)) {
    throw new ConnectionConfigError(`veeam-em: ${key} must be a number of seconds greater than 0 and at most ${max}, got '${value}'`, { key });
  }
  // Whole milliseconds: the client counts in them.
  return Math.max(1, Math.round(seconds * 1000)) / 1000;
}

/** A whole number as written in config; the client checks its range (and says what is allowed). */
function wholeNumberSetting(value: string | undefined, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value)) throw new ConnectionConfigError(`veeam-em: ${key} must be a whole number, got '${value}'`, { key });
  return Number(value);
}

/**
 * The EM connection from stack config and environment. Tenant logon when `tenantName` is set, vCD organization
 * logon when `vcdOrganization` is set, administrator logon otherwise.
 */
export function connectionSettings(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const read = reader(config, env);
  const url = requireSetting(read, "url", "the address of Enterprise Manager's REST API, e.g. https://em.example.com:9398/api/");
  const password = requireSetting(read, "password", "the password EM logs on with");
  const tenantName = read("tenantName");
  const organization = read("vcdOrganization");
  if (tenantName !== undefined && organization !== undefined) {
    throw new ConnectionConfigError(
      `veeam-em: tenantName and vcdOrganization are both set, but a logon is either as a standalone cloud tenant (tenantName) or as a vCD organization user (vcdOrganization and username); unset one of them`,
      { key: "tenantName" },
    );
  }
  let credentials: Credentials;
  if (tenantName !== undefined) credentials = { kind: "tenant", tenantName, password };
  else if (organization !== undefined) credentials = { kind: "vcd", organization, login: requireSetting(read, "username", "the vCD organization user"), password };
  else credentials = { kind: "admin", username: requireSetting(read, "username", "the EM administrator"), password };
  // Where each credential was read, for the message of a refused logon.
  const from = (key: string) => (config?.get(`${CONFIG_NAMESPACE}:${key}`) ? `${CONFIG_NAMESPACE}:${key}` : ENV_FALLBACK[key]);
  const credentialKeys = tenantName !== undefined ? ["tenantName", "password"] : organization !== undefined ? ["vcdOrganization", "username", "password"] : ["username", "password"];
  const credentialsSource = credentialKeys.map(from).join(credentialKeys.length === 2 ? " and " : ", ");

  const format = read("format");
  if (format !== undefined && format !== "xml" && format !== "json") throw new ConnectionConfigError(`veeam-em: format must be xml or json, got '${format}'`, { key: "format" });
  const taskTimeoutSeconds = secondsSetting(read("taskTimeoutSeconds"), "taskTimeoutSeconds");
  const requestTimeoutSeconds = secondsSetting(read("requestTimeoutSeconds"), "requestTimeoutSeconds");
  const retryBudgetSeconds = secondsSetting(read("retryBudgetSeconds"), "retryBudgetSeconds");
  const allowInsecureHttp = booleanSetting(read("allowInsecureHttp"), "allowInsecureHttp");
  const maxConnections = wholeNumberSetting(read("maxConnections"), "maxConnections");
  return {
    url,
    credentials,
    credentialsSource,
    apiVersion: read("apiVersion"),
    format,
    caCertPath: read("caCertPath"),
    insecureSkipTlsVerify: booleanSetting(read("insecureSkipTlsVerify"), "insecureSkipTlsVerify"),
    ...(allowInsecureHttp !== undefined ? { allowInsecureHttp } : {}),
    taskTimeoutMs: taskTimeoutSeconds === undefined ? undefined : Math.round(taskTimeoutSeconds * 1000),
    requestTimeoutMs: requestTimeoutSeconds === undefined ? undefined : Math.round(requestTimeoutSeconds * 1000),
    ...(retryBudgetSeconds !== undefined ? { retry: { budgetMs: Math.round(retryBudgetSeconds * 1000) } } : {}),
    ...(maxConnections !== undefined ? { maxConnections } : {}),
  };
}

/**
 * One client per distinct connection in a process, so a whole `pulumi up` logs on once and shares the session
 * across resources and concurrent steps.
 */
export class ClientPool {
  private readonly clients = new Map<string, EmClient>();

  /** `hooks` go to every client of the pool: a test's clock, say (the real one by default). */
  constructor(
    private readonly log: (message: string) => void = (m) => process.stderr.write(`veeam-em: ${m}\n`),
    private readonly hooks: Omit<EmClientHooks, "onWarning" | "onProgress"> = {},
  ) {}

  get(settings: ConnectionSettings): EmClient {
    const key = JSON.stringify(settings);
    let client = this.clients.get(key);
    if (!client) {
      client = new EmClient(settings, { onWarning: (m) => this.log(`warning: ${m}`), onProgress: (m) => this.log(m), ...this.hooks });
      this.clients.set(key, client);
    }
    return client;
  }

  async closeAll(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}

/**
 * A connection declared on a resource, a look-up or the onboarding component instead of the stack-wide
 * `veeam-em:*` config: one EM of several in a stack. Always an administrator logon (subtenants and accounts
 * need one). Times are in seconds, as in the stack config. No environment fallback: what is declared is all.
 */
export interface EmConnection {
  /** EM's REST API, e.g. https://em2.example.com:9398/api/. Another url is another EM: the object is replaced. */
  url: string;
  username: string;
  password: string;
  caCertPath?: string;
  insecureSkipTlsVerify?: boolean;
  allowInsecureHttp?: boolean;
  format?: "xml" | "json";
  apiVersion?: string;
  requestTimeoutSeconds?: number;
  taskTimeoutSeconds?: number;
  retryBudgetSeconds?: number;
}

/** `EmConnection` as a program declares it: each member may come from an Output (the password from a secret). */
export type ConnectionArgs = { [K in keyof EmConnection]: pulumi.Input<EmConnection[K]> };

/** The members of `EmConnection`, in the order the README lists them. */
export const CONNECTION_KEYS = [
  "url",
  "username",
  "password",
  "caCertPath",
  "insecureSkipTlsVerify",
  "allowInsecureHttp",
  "format",
  "apiVersion",
  "requestTimeoutSeconds",
  "taskTimeoutSeconds",
  "retryBudgetSeconds",
] as const;

const msOf = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.max(1, Math.round(seconds * 1000)));

/** The client's settings for a declared connection (not validated: see `connectionProblem`). */
export function settingsOfConnection(connection: EmConnection): ConnectionSettings {
  const retryBudgetMs = msOf(connection.retryBudgetSeconds);
  return {
    url: connection.url,
    credentials: { kind: "admin", username: connection.username, password: connection.password },
    credentialsSource: "the connection's username and password",
    apiVersion: connection.apiVersion,
    format: connection.format,
    caCertPath: connection.caCertPath,
    insecureSkipTlsVerify: connection.insecureSkipTlsVerify,
    ...(connection.allowInsecureHttp !== undefined ? { allowInsecureHttp: connection.allowInsecureHttp } : {}),
    requestTimeoutMs: msOf(connection.requestTimeoutSeconds),
    taskTimeoutMs: msOf(connection.taskTimeoutSeconds),
    ...(retryBudgetMs !== undefined ? { retry: { budgetMs: retryBudgetMs } } : {}),
  };
}

/** The client's setting → the member of a declared connection it comes from. */
const MEMBER_OF_SETTING: Record<string, string> = {
  "credentials.username": "username",
  "credentials.password": "password",
  requestTimeoutMs: "requestTimeoutSeconds",
  taskTimeoutMs: "taskTimeoutSeconds",
  "retry.budgetMs": "retryBudgetSeconds",
};

/**
 * What is wrong with a declared connection, by the rules the stack config follows (`secondsSetting`'s bounds,
 * then the client's `resolveSettings`), as `{member, reason}`; undefined when it is fine. `at` prefixes the member
 * in messages ("connection"). The password is never echoed.
 */
export function connectionProblem(connection: EmConnection, at = "connection"): { member: string; reason: string } | undefined {
  for (const key of ["requestTimeoutSeconds", "taskTimeoutSeconds", "retryBudgetSeconds"] as const) {
    const value = connection[key];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value > 0 && value <= MAX_SECONDS[key])) {
      return { member: key, reason: `${at}.${key}: must be a number of seconds greater than 0 and at most ${MAX_SECONDS[key]}, got ${JSON.stringify(value)}` };
    }
  }
  try {
    resolveSettings(settingsOfConnection(connection));
    return undefined;
  } catch (err) {
    if (!(err instanceof EmSettingsError)) throw err;
    const setting = err.setting ?? "url";
    const member = MEMBER_OF_SETTING[setting] ?? setting;
    const detail = (err.detail ?? err.message).replace(/'credentials'/g, `'${at}.username' and '${at}.password'`);
    return { member, reason: `${at}.${member}: ${detail}` };
  }
}

/** The same EM: the normalized REST base URLs are equal (host without case, default port, trailing /api/). */
export function sameEm(a: string, b: string): boolean {
  const base = (url: string) => {
    try {
      return normalizeBaseUrl(url).toLowerCase();
    } catch {
      return url.trim().toLowerCase();
    }
  };
  return base(a) === base(b);
}
