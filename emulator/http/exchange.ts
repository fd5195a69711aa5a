import type * as http from "node:http";
import type { Session } from "../model";
import { errorBody } from "../representations/common";
import { renderJson } from "../wire/json";
import { renderXml } from "../wire/xml";
import type { Reply, WireFormat } from "./context";
import type { RequestFault } from "../faults";

export interface RecordedRequest {
  method: string;
  /** Path and query below the host, e.g. /api/query?type=CloudTenant. */
  url: string;
  status: number | "reset" | "lost";
  /** The wire format of the request body (from Content-Type) and of the answer (from Accept). */
  requestFormat: WireFormat;
  responseFormat: WireFormat;
  /** When the request arrived (ISO 8601). */
  at: string;
}

/** One /api request on its way through the pipeline; each step reads what earlier steps left here. */
export interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  method: string;
  /** The path below /api, without a trailing slash ("" for the entry point). */
  path: string;
  startedAt: number;
  record: RecordedRequest;
  /** The Content-Type when it names neither XML nor JSON. */
  unsupportedContentType?: string;
  body: string;
  token?: string;
  fault?: RequestFault;
  session?: Session;
  /** Set by the step that decides the answer; later steps other than the reply step are skipped. */
  reply?: Reply;
  /** Set when the connection is to be closed instead of answered. */
  cut?: "reset" | "lost";
}

/** The wire format a media type names; undefined for none or another one. */
export function mediaFormat(value: string | undefined): WireFormat | undefined {
  if (!value) return undefined;
  if (/application\/json/i.test(value)) return "json";
  if (/(application|text)\/xml/i.test(value)) return "xml";
  return undefined;
}

/**
 * The request body's format from Content-Type (XML when absent), and the answer's from Accept: EM answers in XML
 * unless Accept asks for JSON, whatever the body's format (the Accept row of every method page).
 */
export function negotiate(req: http.IncomingMessage): { requestFormat: WireFormat; responseFormat: WireFormat } {
  return { requestFormat: mediaFormat(req.headers["content-type"]) ?? "xml", responseFormat: mediaFormat(req.headers.accept) ?? "xml" };
}

/** The session token from the X-RestSvcSessionId cookie or header; EM prefers the cookie when both are sent. */
export function sessionToken(req: http.IncomingMessage): string | undefined {
  const cookie = /(?:^|;\s*)X-RestSvcSessionId=([^;]+)/i.exec(req.headers.cookie ?? "");
  if (cookie) return decodeURIComponent(cookie[1]);
  const header = req.headers["x-restsvcsessionid"];
  return typeof header === "string" && header !== "" ? header : undefined;
}

export function errorReply(status: number, message: string, headers?: Record<string, string>, firstChance: string | null = null): Reply {
  return { status, body: errorBody(status, message, firstChance), headers };
}

export function send(res: http.ServerResponse, reply: Reply, format: WireFormat): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = "";
  if (reply.body) {
    payload = format === "json" ? renderJson(reply.body) : renderXml(reply.body);
    headers["Content-Type"] = format === "json" ? "application/json; charset=utf-8" : "application/xml; charset=utf-8";
  }
  headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}
