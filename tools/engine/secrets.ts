/**
 * Secrets the way the Pulumi engine handles them around a dynamic-provider plugin. The program marks values
 * secret (the SDK's own wire wrapper, so values from `pulumi.secret` under mocks arrive the same way); the plugin
 * answers Configure with acceptSecrets=false, so the engine sends plain values and afterwards re-marks every
 * output whose key was a secret input (`annotateSecrets` in the engine). State shows such values masked.
 */

/** The SDK's marker of special values on the wire (`runtime/rpc.js` specialSigKey / specialSecretSig). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The value the engine sends for inputs not known yet (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How a secret reads in a plain-text dump of state. */
export const MASK = "[secret]";

export interface Secret<T = unknown> {
  [SIG_KEY]: typeof SECRET_SIG;
  value: T;
}

type Props = Record<string, unknown>;

/** Marks a program input secret, as `pulumi.secret(value)` does on the wire. */
export function secret<T>(value: T): Secret<T> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(value: unknown): value is Secret {
  return typeof value === "object" && value !== null && (value as Props)[SIG_KEY] === SECRET_SIG;
}

function unwrapDeep(value: unknown): { value: unknown; secret: boolean } {
  if (isSecret(value)) return { value: unwrapDeep(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(unwrapDeep);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof value === "object" && value !== null) {
    let secret = false;
    const out: Props = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const u = unwrapDeep(v);
      out[k] = u.value;
      secret ||= u.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/**
 * Plain values to send to the plugin, and the top-level keys that held a secret anywhere inside (a secret deep in
 * an object or array makes the whole top-level value secret: the conservative reading of the engine's rule).
 */
export function unwrapSecrets(props: Props): { plain: Props; secretKeys: string[] } {
  const plain: Props = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    // The SDK leaves undefined values out of what it sends.
    if (value === undefined) continue;
    const u = unwrapDeep(value);
    plain[key] = u.value;
    if (u.secret) secretKeys.push(key);
  }
  return { plain, secretKeys };
}

/** The values under `secretKeys` wrapped as secrets again (what the SDK receives back from the engine). */
export function wrapSecrets(props: Props, secretKeys: readonly string[]): Props {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, secretKeys.includes(k) ? secret(v) : v]));
}

/** The values under `secretKeys` replaced by the mask, as a state file or `pulumi stack export` shows them. */
export function maskSecrets(props: Props, secretKeys: readonly string[]): Props {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, secretKeys.includes(k) ? MASK : v]));
}
