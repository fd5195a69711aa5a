/** `veeam-em export`: flags, password, connection, and where the file and the commands go. */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { EmClient, EmSettingsError, normalizeBaseUrl, type ConnectionSettings } from "../client";
import { count, exportOnboarding } from "../export/export";
import { printable, printableJson } from "../export/names";
import { SCHEMA_FILE } from "../onboarding/schema";
import { optionError } from "./options";
import { writeEmulatorSeed } from "./seed-command";
import { promptSecret } from "./prompt";

export const EXPORT_USAGE = `Usage: veeam-em export --url URL --username NAME [options]

Reads an Enterprise Manager's cloud tenants (with their backup resources), their subtenants and EM's accounts,
and writes the onboarding data file of the TenantOnboarding component, every object with "adopt": true. It only
reads from EM.

Connection (as the provider's veeam-em:* settings):
  --url URL                   EM's REST API, e.g. https://em.example.com:9398/api/ (or VEEAM_EM_URL)
  --username NAME             an EM administrator (or VEEAM_EM_USERNAME)
                              The password is read from VEEAM_EM_PASSWORD, or asked for on the terminal
                              without echo. There is no password flag: command lines end up in shell
                              history and process lists.
  --ca-cert FILE              PEM file with the CA certificate(s) that signed EM's certificate (or VEEAM_EM_CA_CERT)
  --insecure-skip-tls-verify  accept any TLS certificate (not recommended; or VEEAM_EM_INSECURE_SKIP_TLS_VERIFY=true)
  --allow-insecure-http       allow plain http:// to a host other than this machine: the password then crosses
                              the network unencrypted (or VEEAM_EM_ALLOW_INSECURE_HTTP=true)
  --format xml|json           wire format (default xml)

What to export (patterns: * any characters, ? one character; names compare without case):
  --tenant PATTERN            tenants whose name matches (repeatable; default: all)
  --account PATTERN           accounts whose name matches (repeatable; default: all)
  --exclude PATTERN           leave out tenants and accounts whose name matches (repeatable)
  --no-accounts               export no account
  --include-builtin           export EM's BUILTIN\\… accounts too (left out by default)

Output:
  -o, --output FILE           write the data file here (default: standard output)
  --force                     overwrite FILE if it exists
  --schema REF                the file's "$schema" (default: the package's onboarding.schema.json, relative to FILE)
  --emulator-seed FILE        write a seed of the EM emulator instead (veeam-em-emulator --seed FILE): the whole
                              EM's ids, names, quotas, used space, servers, repositories, roles and accounts; every
                              password in it is a placeholder (EM never returns passwords)
  --quiet                     no progress on standard error
  -h, --help                  show this help

EM never returns passwords. The file names, for each tenant and subtenant, the stack config key its password is read from;
the command prints the 'pulumi config set --secret' command for each (with FILE on standard output, otherwise on
standard error). Values are never printed.
`;

/** A mistake in the command line: shown with a pointer to --help, exit code 2. */
class UsageError extends Error {}

const OPTIONS = {
  url: { type: "string" },
  username: { type: "string" },
  "ca-cert": { type: "string" },
  "insecure-skip-tls-verify": { type: "boolean" },
  "allow-insecure-http": { type: "boolean" },
  format: { type: "string" },
  tenant: { type: "string", multiple: true },
  account: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  "no-accounts": { type: "boolean" },
  "include-builtin": { type: "boolean" },
  output: { type: "string", short: "o" },
  force: { type: "boolean" },
  schema: { type: "string" },
  "emulator-seed": { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Flags = ReturnType<typeof parseFlags>;

function parseFlags(argv: string[]) {
  for (const arg of argv) {
    if (/^--(password|pass|pwd)(=|$)/i.test(arg)) {
      throw new UsageError(`${arg.split("=")[0]} is not accepted: a password on the command line ends up in shell history and process lists; set VEEAM_EM_PASSWORD, or leave it unset to be asked for it`);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  } catch (err) {
    // Node's messages name the option; the pointer to --help is added by the caller.
    throw new UsageError(optionError(err, OPTIONS));
  }
  const values = parsed.values;
  for (const [flag, list] of [["tenant", values.tenant], ["account", values.account], ["exclude", values.exclude]] as const) {
    for (const pattern of list ?? []) if (pattern.trim() === "") throw new UsageError(`--${flag} needs a name pattern such as 'ABC*', got an empty one`);
  }
  if (values["emulator-seed"] !== undefined && values.output !== undefined) throw new UsageError("--emulator-seed and --output write different files: give one");
  if (values["no-accounts"] && values.account) throw new UsageError("--account and --no-accounts contradict each other: give one");
  if (values.format !== undefined && values.format !== "xml" && values.format !== "json") throw new UsageError(`--format must be xml or json, got '${values.format}'`);
  if (values["ca-cert"] !== undefined && values["insecure-skip-tls-verify"]) throw new UsageError("--ca-cert and --insecure-skip-tls-verify contradict each other: give one");
  return values;
}

/** A boolean flag, or its environment variable when the flag is absent ("true" or "false"). */
function flagOrEnv(flag: string, value: boolean | undefined, env: string): boolean {
  if (value) return true;
  const v = process.env[env]?.trim().toLowerCase();
  if (v === undefined || v === "" || v === "false") return false;
  if (v === "true") return true;
  throw new UsageError(`${env} must be true or false, got '${process.env[env]}' (or give --${flag})`);
}

/** The client's hints name the provider's settings; say which flag of this command does the same. */
const FLAG_FOR_SETTING: Array<[RegExp, string]> = [
  [/allowInsecureHttp/, "--allow-insecure-http"],
  [/insecureSkipTlsVerify/, "--insecure-skip-tls-verify"],
  [/caCertPath/, "--ca-cert FILE"],
];
function withFlags(message: string): string {
  const flags = FLAG_FOR_SETTING.filter(([setting]) => setting.test(message)).map(([, flag]) => flag);
  return flags.length === 0 ? message : `${message}\n(for veeam-em export, those settings are the flags ${flags.join(", ")})`;
}

function required(flag: string, value: string | undefined, env: string): string {
  const v = value ?? process.env[env];
  if (v === undefined || v.trim() === "") throw new UsageError(`--${flag} is required (or set ${env})`);
  return v.trim();
}

async function connection(flags: Flags): Promise<ConnectionSettings> {
  const url = required("url", flags.url, "VEEAM_EM_URL");
  try {
    normalizeBaseUrl(url);
  } catch (err) {
    if (err instanceof EmSettingsError) throw new UsageError(`--url: ${err.setting === "url" ? err.detail : err.message}`);
    throw err;
  }
  const username = required("username", flags.username, "VEEAM_EM_USERNAME");
  const caCertPath = flags["ca-cert"] ?? process.env.VEEAM_EM_CA_CERT;
  if (caCertPath !== undefined && !fs.existsSync(caCertPath)) throw new UsageError(`--ca-cert: no file at ${caCertPath}`);
  let password = process.env.VEEAM_EM_PASSWORD;
  if (password === undefined || password === "") {
    try {
      password = await promptSecret(`EM password for ${username}: `);
    } catch (err) {
      throw new UsageError(`no EM password: set VEEAM_EM_PASSWORD (${(err as Error).message})`);
    }
    if (password === "") throw new UsageError("no EM password given");
  }
  return {
    url,
    credentials: { kind: "admin", username, password },
    credentialsSource: `${flags.username !== undefined ? "--username" : "VEEAM_EM_USERNAME"} and ${process.env.VEEAM_EM_PASSWORD ? "VEEAM_EM_PASSWORD" : "the password typed at the prompt"}`,
    ...(caCertPath !== undefined && { caCertPath }),
    ...(flagOrEnv("insecure-skip-tls-verify", flags["insecure-skip-tls-verify"], "VEEAM_EM_INSECURE_SKIP_TLS_VERIFY") && { insecureSkipTlsVerify: true }),
    ...(flagOrEnv("allow-insecure-http", flags["allow-insecure-http"], "VEEAM_EM_ALLOW_INSECURE_HTTP") && { allowInsecureHttp: true }),
    ...(flags.format !== undefined && { format: flags.format as "xml" | "json" }),
  };
}

/** The "$schema" reference: the shipped schema, relative to where the file goes (forward slashes, as in a URI). */
function schemaReference(flags: Flags): string {
  if (flags.schema !== undefined) return flags.schema;
  const from = flags.output !== undefined ? path.dirname(path.resolve(flags.output)) : process.cwd();
  const relative = path.relative(from, SCHEMA_FILE).split(path.sep).join("/");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/**
 * Writes next to the target and renames, so a failed run never leaves half a file. The temporary file is new, of a
 * name no one can guess (never a file or link someone put there); the rename replaces a link at FILE, not its target.
 */
function writeFile(file: string, text: string, force: boolean): void {
  if (!force && fs.existsSync(file)) throw new UsageError(`${file} exists; give --force to overwrite it, or another --output`);
  const temporary = `${file}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o644, flag: "wx" });
  try {
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw err;
  }
}

export async function runExport(argv: string[]): Promise<number> {
  let flags: Flags;
  let settings: ConnectionSettings;
  try {
    flags = parseFlags(argv);
    if (flags.help) {
      process.stdout.write(EXPORT_USAGE);
      return 0;
    }
    for (const file of [flags.output, flags["emulator-seed"]]) if (file !== undefined && !flags.force && fs.existsSync(file)) throw new UsageError(`${file} exists; give --force to overwrite it, or another file`);
    settings = await connection(flags);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`veeam-em export: ${err.message}\nRun 'veeam-em export --help' for the options.\n`);
    return 2;
  }

  const progress = (message: string) => {
    if (!flags.quiet) process.stderr.write(`veeam-em export: ${printable(message)}\n`);
  };
  let client: EmClient;
  try {
    client = new EmClient(settings, { onWarning: (m) => process.stderr.write(`veeam-em export: warning: ${m}\n`), onProgress: progress });
  } catch (err) {
    process.stderr.write(`veeam-em export: ${withFlags((err as Error).message)}\n`);
    return 2;
  }
  try {
    const seedFile = flags["emulator-seed"];
    if (seedFile !== undefined) return await writeEmulatorSeed(client, seedFile, progress, (text) => writeFile(seedFile, text, flags.force ?? false));
    const result = await exportOnboarding(client, {
      tenants: flags.tenant,
      accounts: flags.account,
      exclude: flags.exclude,
      noAccounts: flags["no-accounts"],
      includeBuiltin: flags["include-builtin"],
      schema: schemaReference(flags),
      onProgress: progress,
    });
    // Names from EM are printed with their control characters escaped (in the JSON too, where the value stays).
    const text = printableJson(`${JSON.stringify(result.data, null, 2)}\n`);
    for (const note of result.notes) process.stderr.write(`veeam-em export: note: ${printable(note)}\n`);
    // With the file on stdout, the commands must not mix with it.
    const commands = flags.output !== undefined ? process.stdout : process.stderr;
    if (flags.output !== undefined) writeFile(flags.output, text, flags.force ?? false);
    else process.stdout.write(text);
    const { tenants, subtenants, accounts } = result.counts;
    commands.write(`# ${flags.output ?? "The data file"}: ${count(tenants, "tenant")}, ${count(subtenants, "subtenant")}, ${count(accounts, "account")}, each with adopt: true.\n`);
    if (result.passwords.length > 0) {
      commands.write("# EM never returns passwords, and adopting keeps each tenant's and subtenant's. The stack needs one for each all the same,\n# sent to EM only when you change it later (replace <password>):\n");
      for (const p of result.passwords) {
        const shown = printable(p.command);
        commands.write(`${shown}\n`);
        if (shown !== p.command) commands.write("# (the names in the line above hold control characters, shown as \\uXXXX: type them as EM has them)\n");
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`veeam-em export: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`veeam-em export: reading EM at ${client.baseUrl} failed: ${withFlags((err as Error).message)}\n`);
    return 1;
  } finally {
    await client.close().catch(() => undefined);
  }
}
