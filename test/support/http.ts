import * as http from "node:http";
import * as https from "node:https";
import { XMLParser } from "fast-xml-parser";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca?: string;
}

/**
 * Sends a request exactly as written (the path and query are not re-encoded), as the examples in EM's
 * reference are written; tests of the emulator use this rather than the project's client.
 */
export function send(baseUrl: string, pathAndQuery: string, request: RawRequest = {}): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const transport = base.protocol === "https:" ? https : http;
  const body = request.body === undefined ? undefined : Buffer.from(request.body, "utf8");
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method ?? "GET",
        path: base.pathname.replace(/\/$/, "") + "/" + pathAndQuery.replace(/^\//, ""),
        headers: { ...(body ? { "Content-Length": String(body.length) } : {}), ...request.headers },
        ca: request.ca,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const LIST_ELEMENTS = new Set(["Link", "Ref", "CloudTenant", "CloudSubtenant", "CloudTenantResource", "Task", "EnterpriseAccountInRole", "EnterpriseAccountHierarchyScope", "SupportedVersion", "EnterpriseAccount", "EnterpriseRole"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name, jpath) => LIST_ELEMENTS.has(name) && String(jpath) !== name,
});

/** Parses an XML answer; attributes are prefixed with @, list elements are always arrays. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function xml(body: string): any {
  return parser.parse(body);
}

export const SEED_SESSION = "NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj";
export const ADMIN_BASIC = "Basic " + Buffer.from("admin:admin").toString("base64");

/** Logs on as the emulator's administrator and returns the session token. */
export async function adminLogon(baseUrl: string): Promise<string> {
  const res = await send(baseUrl, "sessionMngr/?v=latest", { method: "POST", headers: { Authorization: ADMIN_BASIC } });
  if (res.status !== 201) throw new Error(`admin logon answered ${res.status}: ${res.body}`);
  return res.headers["x-restsvcsessionid"] as string;
}

/**
 * Polls a task until it is Finished, waiting `pollMs` on the emulator's clock between polls (a test's virtual
 * clock moves at once); bounded, so a task that never finishes fails the test.
 */
export async function waitForTask(baseUrl: string, token: string, taskId: string, clock: { sleep(ms: number): Promise<void> }, maxPolls = 200, pollMs = 5): Promise<{ success: boolean; message: string }> {
  for (let i = 0; i < maxPolls; i++) {
    const res = await send(baseUrl, `tasks/${taskId}`, { headers: { "X-RestSvcSessionId": token } });
    const task = xml(res.body).Task;
    if (task.State === "Finished") return { success: task.Result["@Success"] === "true", message: task.Result.Message ?? "" };
    await clock.sleep(pollMs);
  }
  throw new Error(`task ${taskId} did not finish after ${maxPolls} polls`);
}
