/**
 * Which connection a resource's provider call uses: the resource's own `connection` (several EMs in one stack),
 * else the stack's `veeam-em:*` config. The inputs or stored outputs of the call carry it: create, update and
 * diff use the new inputs; read and delete the outputs stored with the object, so an object is always reached in
 * the EM it was made in.
 */
import type { ConnectionSettings } from "../client";
import { settingsOfConnection, type EmConnection } from "./connection";

/** The settings of the connection that `props` declare, or undefined when they use the stack's config. */
export function connectionOf(props: object | undefined): ConnectionSettings | undefined {
  const connection = (props as { connection?: EmConnection } | undefined)?.connection;
  return connection !== undefined && connection !== null && typeof connection === "object" ? settingsOfConnection(connection) : undefined;
}
