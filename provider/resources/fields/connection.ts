/**
 * The `connection` argument both resources share: which EM the object lives in, when not the stack-wide
 * `veeam-em:*` config. Secret as a whole in state (it carries the password).
 */
import { CONNECTION_KEYS, connectionProblem, sameEm, type EmConnection } from "../connection";
import { isUnknown } from "../validation";
import type { Field } from "./table";

const MEMBERS: readonly Field[] = [
  { name: "url", type: { kind: "string" }, doc: "EM's REST API, e.g. https://em2.example.com:9398/api/", expects: "EM's REST API address, e.g. https://em2.example.com:9398/api/", required: true, nonEmpty: true },
  { name: "username", type: { kind: "string" }, doc: "an EM administrator", expects: "an EM administrator's user name", required: true, nonEmpty: true },
  { name: "password", type: { kind: "string" }, doc: "its password", expects: "the administrator's password", required: true, nonEmpty: true, secret: true },
  { name: "caCertPath", type: { kind: "string" }, doc: "PEM file of the CA that signed EM's certificate", nonEmpty: true },
  { name: "insecureSkipTlsVerify", type: { kind: "boolean" }, doc: "accept any TLS certificate (off by default)" },
  { name: "allowInsecureHttp", type: { kind: "boolean" }, doc: "allow plain http:// to a host other than loopback" },
  { name: "format", type: { kind: "enum", values: ["xml", "json"] }, doc: "wire format" },
  { name: "apiVersion", type: { kind: "string" }, doc: "\"latest\" or e.g. \"v1_7\"", nonEmpty: true },
  { name: "requestTimeoutSeconds", type: { kind: "integer" }, doc: "deadline of one request", min: 1 },
  { name: "taskTimeoutSeconds", type: { kind: "integer" }, doc: "time limit of one EM task", min: 1 },
  { name: "retryBudgetSeconds", type: { kind: "integer" }, doc: "time all attempts of one request may take", min: 1 },
];

// The table and the interface must name the same members.
const _sameKeys: readonly (typeof CONNECTION_KEYS)[number][] = MEMBERS.map((m) => m.name as (typeof CONNECTION_KEYS)[number]);
void _sameKeys;

const isConnection = (value: unknown): value is EmConnection => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The same EM on both sides: another url is a change (an update that first checks the object is at the new url);
 * password, TLS, format and timeouts are how to reach it, not where the object lives, so their change is no change. Adding or removing `connection` counts as no change too: the provider cannot know
 * in a diff which EM the stack config names (see the README, "Several EMs").
 */
export function sameConnectionEm(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return true;
  if (!isConnection(a) || !isConnection(b) || isUnknown(a.url) || isUnknown(b.url)) return false;
  return sameEm(String(a.url), String(b.url));
}

export const CONNECTION_FIELD = {
  name: "connection",
  type: { kind: "object" as const, fields: MEMBERS },
  doc:
    "the EM this object lives in, instead of the stack's `veeam-em:*` config (see Several EMs): `url`, `username`, `password` and optionally the TLS, format, apiVersion and timeout settings (timeouts in seconds); " +
    "another `url` is taken as a new address of the same EM (the update checks the object is there, and changes nothing if it is not: objects cannot move between EMs); a change of anything else changes nothing",
  expects: "an EM connection { url, username, password, ... }",
  secret: true,
  output: false,
  // Never a replacement: when the new url is the same EM under another address, the replacement would adopt or
  // clash with the object and the old one's delete would then remove it.
  onChange: "update",
  compare: { same: sameConnectionEm },
  rule: (value, path) => {
    const problem = connectionProblem(value as unknown as EmConnection, path);
    return problem && { property: `${path}.${problem.member}`, reason: problem.reason };
  },
} as const satisfies Field;
