/**
 * Stack config keys in the syntax of `pulumi config set --path`: a key, optionally `namespace:key`, followed by
 * `.name`, `["name"]` or `[0]` steps into the JSON object stored under it, e.g. subtenantPasswords["ABC"]["abc-finance"].
 * Parsed as the Pulumi CLI parses them (sdk/go/common/resource/properties_path.go): inside ["…"], \" is a quote
 * and every other character, a backslash included, stands for itself.
 */
import { PASSWORDS_CONFIG_KEY, TENANT_PASSWORDS_CONFIG_KEY } from "./format";

export interface ConfigPath {
  /** The namespace before ":", if the path names one; otherwise the project's. */
  namespace?: string;
  key: string;
  /** The steps below the key. */
  steps: Array<string | number>;
}

export class ConfigPathError extends Error {}

export function parseConfigPath(text: string): ConfigPath {
  const head = /^([^.[\]:"]+)(?::([^.[\]:"]+))?/.exec(text);
  if (!head) throw new ConfigPathError(`'${text}' is not a config key; write e.g. subtenantPasswords["tenant"]["subtenant"] or myNamespace:key`);
  const [namespace, key] = head[2] === undefined ? [undefined, head[1]] : [head[1], head[2]];
  const steps: Array<string | number> = [];
  let i = head[0].length;
  while (i < text.length) {
    if (text[i] === ".") {
      const m = /^\.([^.[\]"]+)/.exec(text.slice(i));
      if (!m) throw new ConfigPathError(`'${text}': a name must follow '.' at position ${i + 1}`);
      steps.push(m[1]);
      i += m[0].length;
    } else if (text.startsWith('["', i)) {
      let name = "";
      let j = i + 2;
      for (;;) {
        if (j >= text.length) throw new ConfigPathError(`'${text}': missing closing quote`);
        if (text[j] === "\\" && text[j + 1] === '"') {
          name += '"';
          j += 2;
        } else if (text[j] === '"') break;
        else name += text[j++];
      }
      if (text[j + 1] !== "]") throw new ConfigPathError(`'${text}': missing ']' after the quoted name at position ${j + 2}`);
      steps.push(name);
      i = j + 2;
    } else if (text[i] === "[") {
      const m = /^\[(\d+)\]/.exec(text.slice(i));
      if (!m) throw new ConfigPathError(`'${text}': '[' must start ["name"] or [index] at position ${i + 1}`);
      steps.push(Number(m[1]));
      i += m[0].length;
    } else {
      throw new ConfigPathError(`'${text}': unexpected '${text[i]}' at position ${i + 1}`);
    }
  }
  return { namespace, key, steps };
}

/** One quoted step; a name ending in a backslash cannot be written (the CLI would read \" as a quote). */
function quoteStep(name: string): string {
  return `["${name.replace(/"/g, '\\"')}"]`;
}

export function formatConfigPath(path: ConfigPath): string {
  const steps = path.steps.map((s) => (typeof s === "number" ? `[${s}]` : quoteStep(s))).join("");
  return `${path.namespace !== undefined ? `${path.namespace}:` : ""}${path.key}${steps}`;
}

/** The provider's own config namespace: its keys (url, username, password, …) are never a subtenant's password. */
export const PROVIDER_CONFIG_NAMESPACE = "veeam-em";

/**
 * Why a config path may not hold a password, or undefined when it may. A `passwordConfig` names a key meant for
 * passwords, so that a data file cannot point a subtenant's password at another setting (the EM administrator's
 * password in `veeam-em:password` included) and send it to EM: the key must not be in the provider's namespace, and
 * its name must say it holds passwords (`…password` or `…passwords`, in any case, as `subtenantPasswords` does).
 */
export function passwordKeyProblem(path: ConfigPath): string | undefined {
  if (path.namespace?.toLowerCase() === PROVIDER_CONFIG_NAMESPACE) return `the ${PROVIDER_CONFIG_NAMESPACE}: namespace holds the provider's own settings, never a subtenant's or tenant's password`;
  if (!/passwords?$/i.test(path.key)) return `'${path.key}' is not a key meant for passwords: its name must end in "Password" or "Passwords" (e.g. subtenantPasswords)`;
  return undefined;
}

/** Where a subtenant's password is read from unless its entry names another key. */
export function defaultPasswordPath(tenant: string, subtenant: string): string {
  return formatConfigPath({ key: PASSWORDS_CONFIG_KEY, steps: [tenant, subtenant] });
}

/** Where the password of a tenant the file declares is read from unless its entry names another key. */
export function defaultTenantPasswordPath(tenant: string): string {
  return formatConfigPath({ key: TENANT_PASSWORDS_CONFIG_KEY, steps: [tenant] });
}

/** A word for a POSIX shell, in single quotes. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command that sets a password at a config path (the value is left for the user to type). */
export function passwordCommand(configPath: string): string {
  const path = parseConfigPath(configPath);
  return `pulumi config set --secret${path.steps.length > 0 ? " --path" : ""} ${shellQuote(configPath)} <password>`;
}

/** The value at a path, given a reader of top-level config keys; undefined when any step is missing. */
export function readConfigPath(path: ConfigPath, get: (namespace: string | undefined, key: string) => string | undefined): unknown {
  return new ConfigReader(get).read(path);
}

/**
 * Reads config paths with each top-level key read and parsed once: the passwords of thousands of subtenants are
 * steps into one key's JSON object, and reading (Pulumi's Config.get parses the whole stack config on every call)
 * and parsing it again for each would grow with the square of their number.
 */
export class ConfigReader {
  readonly #raw = new Map<string, string | undefined>();
  readonly #parsed = new Map<string, unknown>();

  constructor(private readonly get: (namespace: string | undefined, key: string) => string | undefined) {}

  /** The value at `path`; undefined when the key is unset, is not JSON (with steps), or any step is missing. */
  read(path: ConfigPath): unknown {
    const id = JSON.stringify([path.namespace ?? null, path.key]);
    if (!this.#raw.has(id)) this.#raw.set(id, this.get(path.namespace, path.key));
    const raw = this.#raw.get(id);
    if (raw === undefined || path.steps.length === 0) return raw;
    if (!this.#parsed.has(id)) this.#parsed.set(id, parseOrUndefined(raw));
    let value = this.#parsed.get(id);
    for (const step of path.steps) {
      // Own properties only: a step named "constructor" or "__proto__" is a name like any other.
      if (value === null || typeof value !== "object" || !Object.hasOwn(value, step)) return undefined;
      value = (value as Record<string | number, unknown>)[step];
    }
    return value;
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
