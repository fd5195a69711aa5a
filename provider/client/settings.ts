import { readFileSync } from "node:fs";
import { nodeSupportsProxyEnv } from "./http-exchange";
import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RETRY, DEFAULT_TASK_TIMEOUT_MS, defaultRetryBudgetMs, MAX_REQUEST_TIMEOUT_MS, MAX_RETRIES, MAX_RETRY_BUDGET_MS, MAX_RETRY_WAIT_MS, MAX_TASK_TIMEOUT_MS } from "./limits";
import { proxyFor } from "./proxy-env";

/** How the client logs on to Enterprise Manager. */
export type Credentials =
  | { kind: "admin"; username: string; password: string }
  | { kind: "tenant"; tenantName: string; password: string }
  | { kind: "vcd"; organization: string; login: string; password: string };

export type WireFormat = "xml" | "json";

export interface RetrySettings {
  /** Retries after the first attempt (only for requests that are safe to repeat). Default 4. */
  retries?: number;
  /** First backoff delay. Default 250 ms. */
  minDelayMs?: number;
  /** Largest backoff delay. Default 5000 ms. */
  maxDelayMs?: number;
  /** Largest Retry-After the client honours; a longer one is cut to this. Default 30000 ms. */
  maxRetryAfterMs?: number;
  /** Total time all attempts of one request may take, waits included. Default twice the request timeout. */
  budgetMs?: number;
}

export interface ConnectionSettings {
  /** EM's REST base, e.g. https://em.example.com:9398/api/ (a URL without /api gets it appended). */
  url: string;
  credentials: Credentials;
  /**
   * Where the user set the credentials, in the caller's words, for the message of a refused logon: e.g.
   * "veeam-em:username and veeam-em:password (stack config)". The client only quotes it.
   */
  credentialsSource?: string;
  /** The `v` of POST /sessionMngr/?v=…: "latest" (default) or e.g. "v1_7". */
  apiVersion?: string;
  /** Wire format of requests and responses: "xml" (default, EM's native) or "json". */
  format?: WireFormat;
  /** PEM file with the CA certificate(s) that signed EM's TLS certificate. */
  caCertPath?: string;
  /** Accept any TLS certificate. Off by default; a warning is emitted once when on. */
  insecureSkipTlsVerify?: boolean;
  /** Plain http:// to a host other than loopback sends the credentials unencrypted: refused unless true (warns). */
  allowInsecureHttp?: boolean;
  /** Deadline of one HTTP request, from sending to the last byte of the answer. Default 60000. */
  requestTimeoutMs?: number;
  /** Time limit of waiting for one EM task, and for an object after a lost create answer. Default 600000. */
  taskTimeoutMs?: number;
  /**
   * Most requests to EM at once, so most connections in use at once; the others wait their turn (the wait does not
   * count towards the request timeout). Default 30.
   */
  maxConnections?: number;
  retry?: RetrySettings;
}

/** Settings after validation and defaulting. */
export interface ResolvedSettings {
  /** Always ends in "/api/". */
  baseUrl: string;
  credentials: Credentials;
  credentialsSource?: string;
  apiVersion: string;
  format: WireFormat;
  ca?: Buffer;
  caCertPath?: string;
  insecureSkipTlsVerify: boolean;
  allowInsecureHttp: boolean;
  requestTimeoutMs: number;
  taskTimeoutMs: number;
  maxConnections: number;
  retry: Required<RetrySettings>;
}

export class EmSettingsError extends Error {
  /**
   * @param setting the setting that is wrong (e.g. "retry.budgetMs"), when one is
   * @param detail what is wrong with it and what is allowed, without the setting's name
   */
  constructor(
    message: string,
    readonly setting?: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "EmSettingsError";
  }
}

/**
 * Requests to one EM at once. A refresh of a large stack otherwise opens a TLS connection per read at once (1,500
 * for 500 accounts), which costs EM, a shared system, and this process (about 50 KB each) and is no faster. 30:
 * the engine's usual --parallel 10 times the three reads an account refresh sends at once, so such a run never
 * waits for a turn.
 */
export const DEFAULT_MAX_CONNECTIONS = 30;
export const MAX_MAX_CONNECTIONS = 256;

/** A URL with any user:password@ part masked, for messages. */
export function redactUrl(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/g, "$1***@").replace(/^([^:/\s]+:)?[^/@\s]*:[^/@\s]*@/, "***@");
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Whether a host name is this machine's loopback interface. */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

function fail(field: string, problem: string, allowed: string): never {
  const detail = `${problem}. ${allowed}`;
  throw new EmSettingsError(`Invalid EM connection setting '${field}': ${detail}`, field, detail);
}

function requireText(field: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") fail(field, value === undefined ? "it is missing" : "it is empty or not a string", "A non-empty string is required.");
  return value;
}

function requireSecret(field: string, value: unknown): string {
  // The value itself is never echoed.
  if (typeof value !== "string" || value === "") fail(field, value === undefined ? "it is missing" : "it is empty or not a string", "A non-empty string is required.");
  return value;
}

function positiveInt(field: string, value: unknown, fallback: number, allowZero: boolean, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || (!allowZero && value === 0) || value > max) {
    fail(field, `got ${JSON.stringify(value)}`, `A whole number of milliseconds ${allowZero ? "from 0" : "from 1"} to ${max} is required.`);
  }
  return value;
}

function connectionLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_CONNECTIONS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_MAX_CONNECTIONS) {
    fail("maxConnections", `got ${JSON.stringify(value)}`, `A whole number of connections from 1 to ${MAX_MAX_CONNECTIONS} is required (default ${DEFAULT_MAX_CONNECTIONS}).`);
  }
  return value;
}

/** Normalizes EM's base URL: http(s), no credentials, path ending in /api/. */
export function normalizeBaseUrl(raw: unknown): string {
  const text = requireText("url", raw).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail("url", `'${redactUrl(text)}' is not an absolute URL`, "Use e.g. https://em.example.com:9398/api/.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") fail("url", `the scheme '${url.protocol.replace(/:$/, "")}' is not supported`, "Use https:// (EM listens on port 9398) or http://.");
  if (url.username || url.password) fail("url", "it contains user credentials", "Put credentials in 'credentials', not in the URL.");
  if (url.search || url.hash) fail("url", "it contains a query or fragment", "Use only scheme, host, port and path, e.g. https://em.example.com:9398/api/.");
  let path = url.pathname.replace(/\/+$/, "");
  if (!/\/api$/i.test(path)) path += "/api";
  url.pathname = path + "/";
  return url.toString();
}

function resolveCredentials(raw: unknown): Credentials {
  if (raw === null || typeof raw !== "object") fail("credentials", "it is missing", "Give {kind: \"admin\", username, password}, {kind: \"tenant\", tenantName, password} or {kind: \"vcd\", organization, login, password}.");
  const c = raw as Record<string, unknown>;
  switch (c.kind) {
    case "admin":
      return { kind: "admin", username: requireText("credentials.username", c.username), password: requireSecret("credentials.password", c.password) };
    case "tenant":
      return { kind: "tenant", tenantName: requireText("credentials.tenantName", c.tenantName), password: requireSecret("credentials.password", c.password) };
    case "vcd":
      return {
        kind: "vcd",
        organization: requireText("credentials.organization", c.organization),
        login: requireText("credentials.login", c.login),
        password: requireSecret("credentials.password", c.password),
      };
    default:
      fail("credentials.kind", `got ${JSON.stringify(c.kind)}`, "Allowed: \"admin\", \"tenant\", \"vcd\".");
  }
}

/** `env`: where the proxy variables are read, as the transport reads them (process.env). */
export function resolveSettings(settings: ConnectionSettings, env: NodeJS.ProcessEnv = process.env): ResolvedSettings {
  if (settings === null || typeof settings !== "object") throw new EmSettingsError("EM connection settings are missing.");
  const baseUrl = normalizeBaseUrl(settings.url);
  const credentials = resolveCredentials(settings.credentials);
  const apiVersion = settings.apiVersion ?? "latest";
  if (typeof apiVersion !== "string" || !/^(latest|v\d+(_\d+)?)$/i.test(apiVersion)) fail("apiVersion", `got ${JSON.stringify(apiVersion)}`, "Allowed: \"latest\" or a version such as \"v1_7\".");
  const format = settings.format ?? "xml";
  if (format !== "xml" && format !== "json") fail("format", `got ${JSON.stringify(format)}`, "Allowed: \"xml\", \"json\".");
  const insecure = settings.insecureSkipTlsVerify ?? false;
  if (typeof insecure !== "boolean") fail("insecureSkipTlsVerify", `got ${JSON.stringify(insecure)}`, "Allowed: true or false.");
  const allowInsecureHttp = settings.allowInsecureHttp ?? false;
  if (typeof allowInsecureHttp !== "boolean") fail("allowInsecureHttp", `got ${JSON.stringify(allowInsecureHttp)}`, "Allowed: true or false.");
  const url = new URL(baseUrl);
  const host = url.hostname;
  if (url.protocol === "http:" && !allowInsecureHttp) {
    // Loopback is safe only when the request stays on this machine: a proxy would carry the credentials in clear.
    const proxy = nodeSupportsProxyEnv() ? proxyFor(url, env) : undefined;
    if (!isLoopback(host)) {
      fail("url", `plain http:// to '${host}' would send the EM credentials unencrypted`, "Use https:// (EM listens on port 9398), or set allowInsecureHttp: true if the network path is trusted.");
    }
    if (proxy !== undefined) {
      fail(
        "url",
        `plain http:// to '${host}' would go through the proxy that HTTP_PROXY names (${redactUrl(proxy)}), which would see the EM credentials unencrypted`,
        `Add ${host} to NO_PROXY (e.g. NO_PROXY=localhost,127.0.0.1), use https://, or set allowInsecureHttp: true if that proxy is trusted.`,
      );
    }
  }
  let ca: Buffer | undefined;
  if (settings.caCertPath !== undefined) {
    const caPath = requireText("caCertPath", settings.caCertPath);
    try {
      ca = readFileSync(caPath);
    } catch (err) {
      fail("caCertPath", `cannot read '${caPath}' (${(err as NodeJS.ErrnoException).code ?? "error"})`, "Give the path of a readable PEM file with EM's CA certificate.");
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(ca.toString("latin1"))) fail("caCertPath", `'${caPath}' holds no PEM certificate`, "Give a PEM file (-----BEGIN CERTIFICATE-----).");
  }
  const retryRaw = settings.retry ?? {};
  if (retryRaw === null || typeof retryRaw !== "object") fail("retry", "it is not an object", "Give {retries, minDelayMs, maxDelayMs, maxRetryAfterMs}.");
  const retries = retryRaw.retries ?? DEFAULT_RETRY.retries;
  if (typeof retries !== "number" || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) fail("retry.retries", `got ${JSON.stringify(retries)}`, `A whole number from 0 to ${MAX_RETRIES} is required.`);
  const retry = {
    retries,
    minDelayMs: positiveInt("retry.minDelayMs", retryRaw.minDelayMs, DEFAULT_RETRY.minDelayMs, true, MAX_RETRY_WAIT_MS),
    maxDelayMs: positiveInt("retry.maxDelayMs", retryRaw.maxDelayMs, DEFAULT_RETRY.maxDelayMs, true, MAX_RETRY_WAIT_MS),
    maxRetryAfterMs: positiveInt("retry.maxRetryAfterMs", retryRaw.maxRetryAfterMs, DEFAULT_RETRY.maxRetryAfterMs, true, MAX_RETRY_WAIT_MS),
  };
  if (retry.maxDelayMs < retry.minDelayMs) fail("retry.maxDelayMs", `it (${retry.maxDelayMs}) is less than retry.minDelayMs (${retry.minDelayMs})`, "Make maxDelayMs at least minDelayMs.");
  const requestTimeoutMs = positiveInt("requestTimeoutMs", settings.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, false, MAX_REQUEST_TIMEOUT_MS);
  const budgetMs = positiveInt("retry.budgetMs", retryRaw.budgetMs, defaultRetryBudgetMs(requestTimeoutMs), false, MAX_RETRY_BUDGET_MS);
  return {
    baseUrl,
    credentials,
    ...(typeof settings.credentialsSource === "string" && { credentialsSource: settings.credentialsSource }),
    apiVersion,
    format,
    ca,
    caCertPath: settings.caCertPath,
    insecureSkipTlsVerify: insecure,
    allowInsecureHttp,
    requestTimeoutMs,
    taskTimeoutMs: positiveInt("taskTimeoutMs", settings.taskTimeoutMs, DEFAULT_TASK_TIMEOUT_MS, false, MAX_TASK_TIMEOUT_MS),
    maxConnections: connectionLimit(settings.maxConnections),
    retry: { ...retry, budgetMs },
  };
}
