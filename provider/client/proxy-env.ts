/**
 * Which proxy, if any, Node's built-in proxy support sends a request to `url` through, given the environment: the
 * `proxyEnv` rules of Node's http.Agent ("Built-in Proxy Support", nodejs.org/api/http.html): `http_proxy` (before
 * `HTTP_PROXY`) for http:, `https_proxy` (before `HTTPS_PROXY`) for https:, minus the hosts `no_proxy` (before
 * `NO_PROXY`) lists, comma-separated. A NO_PROXY entry here bypasses the proxy for the host itself or, as a domain
 * (`example.com`, `.example.com`, `*.example.com`), for its subdomains; `host:port` only for that port; `*` for every
 * host. Where Node's matching might differ, this errs towards "proxied": it only decides whether credentials may
 * travel in clear.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const pick = (lower: string, upper: string) => [env[lower], env[upper]].find((v) => v !== undefined && v.trim() !== "")?.trim();
  const proxy = url.protocol === "http:" ? pick("http_proxy", "HTTP_PROXY") : url.protocol === "https:" ? pick("https_proxy", "HTTPS_PROXY") : undefined;
  if (proxy === undefined) return undefined;
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? "";
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return undefined;
    // "[v6]:port", "host:port", or a bare host (an IPv6 address has several colons and no port).
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const withPort = /^([^:]+):(\d+)$/.exec(entry);
    const [name, entryPort] = bracketed ? [bracketed[1], bracketed[2]] : withPort ? [withPort[1], withPort[2]] : [entry, undefined];
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, "");
    if (host === domain || host.endsWith(`.${domain}`)) return undefined;
  }
  return proxy;
}
