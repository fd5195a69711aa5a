import { EmClient, type ConnectionSettings, type Credentials } from "../client";

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
};

/** Largest values of the time settings, in seconds (Node's timers stop at 2^31-1 ms, about 24.8 days). */
const MAX_SECONDS: Record<string, number> = { requestTimeoutSeconds: 3600, taskTimeoutSeconds: 86_400, retryBudgetSeconds: 86_400 };

export class ConnectionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionConfigError";
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
    );
  }
  return value;
}

function booleanSetting(value: string | undefined, key: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConnectionConfigError(`veeam-em: ${key} must be true or false, got '${value}'`);
}

function secondsSetting(value: string | undefined, key: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  const max = MAX_SECONDS[key];
  if (!(value.trim() !== "" && Number.isFinite(seconds) && seconds > 0 && seconds <= max)) {
    throw new ConnectionConfigError(`veeam-em: ${key} must be a number of seconds greater than 0 and at most ${max}, got '${value}'`);
  }
  // Whole milliseconds: the client counts in them.
  return Math.max(1, Math.round(seconds * 1000)) / 1000;
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
    );
  }
  let credentials: Credentials;
  if (tenantName !== undefined) credentials = { kind: "tenant", tenantName, password };
  else if (organization !== undefined) credentials = { kind: "vcd", organization, login: requireSetting(read, "username", "the vCD organization user"), password };
  else credentials = { kind: "admin", username: requireSetting(read, "username", "the EM administrator"), password };

  const format = read("format");
  if (format !== undefined && format !== "xml" && format !== "json") throw new ConnectionConfigError(`veeam-em: format must be xml or json, got '${format}'`);
  const taskTimeoutSeconds = secondsSetting(read("taskTimeoutSeconds"), "taskTimeoutSeconds");
  const requestTimeoutSeconds = secondsSetting(read("requestTimeoutSeconds"), "requestTimeoutSeconds");
  const retryBudgetSeconds = secondsSetting(read("retryBudgetSeconds"), "retryBudgetSeconds");
  const allowInsecureHttp = booleanSetting(read("allowInsecureHttp"), "allowInsecureHttp");
  return {
    url,
    credentials,
    apiVersion: read("apiVersion"),
    format,
    caCertPath: read("caCertPath"),
    insecureSkipTlsVerify: booleanSetting(read("insecureSkipTlsVerify"), "insecureSkipTlsVerify"),
    ...(allowInsecureHttp !== undefined ? { allowInsecureHttp } : {}),
    taskTimeoutMs: taskTimeoutSeconds === undefined ? undefined : Math.round(taskTimeoutSeconds * 1000),
    requestTimeoutMs: requestTimeoutSeconds === undefined ? undefined : Math.round(requestTimeoutSeconds * 1000),
    ...(retryBudgetSeconds !== undefined ? { retry: { budgetMs: Math.round(retryBudgetSeconds * 1000) } } : {}),
  };
}

/**
 * One client per distinct connection in a process, so a whole `pulumi up` logs on once and shares the session
 * across resources and concurrent steps.
 */
export class ClientPool {
  private readonly clients = new Map<string, EmClient>();

  constructor(private readonly log: (message: string) => void = (m) => process.stderr.write(`veeam-em: ${m}\n`)) {}

  get(settings: ConnectionSettings): EmClient {
    const key = JSON.stringify(settings);
    let client = this.clients.get(key);
    if (!client) {
      client = new EmClient(settings, { onWarning: (m) => this.log(`warning: ${m}`), onProgress: (m) => this.log(m) });
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
