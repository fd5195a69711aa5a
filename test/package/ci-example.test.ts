/**
 * examples/ci: the GitHub Actions workflow and the Pulumi ESC environment that users copy. Both parse; every
 * command and flag they name exists; every setting they pass reaches the provider; pull requests need no secret.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { connectionSettings } from "../../provider";
import { PACKAGE_ROOT } from "../../tools/engine/harness";

// The YAML parser the Pulumi SDK itself depends on.
const yaml = createRequire(require.resolve("@pulumi/pulumi"))("js-yaml") as { load(text: string): unknown };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: { pull_request?: unknown; push?: { branches?: string[] } };
  jobs: Record<string, Job>;
}

const CI_DIR = path.join(PACKAGE_ROOT, "examples", "ci");
const workflow = yaml.load(readFileSync(path.join(CI_DIR, "veeam-em-onboarding.yml"), "utf8")) as Workflow;
const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };

const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const jobOn = (event: string) => Object.values(workflow.jobs).find((j) => j.if?.includes(`github.event_name == '${event}'`))!;

/** Every VEEAM_EM_* name set with a distinct marker value: the provider must read each (else its marker is missing). */
function everyNameReachesTheProvider(names: string[]): void {
  const env: NodeJS.ProcessEnv = { VEEAM_EM_URL: "https://marker-url.invalid:9398/api/", VEEAM_EM_USERNAME: "marker-user", VEEAM_EM_PASSWORD: "marker-password" };
  for (const name of names) env[name] ??= `/marker/${name}`;
  const read = JSON.stringify(connectionSettings(undefined, env));
  for (const name of names) expect(read, `the provider reads ${name}`).to.include(String(env[name]).replace(/\\/g, "\\\\"));
}

describe("examples/ci: the GitHub Actions workflow", () => {
  const pr = jobOn("pull_request");
  const merge = jobOn("push");

  it("previews on every pull request and applies on a push to main", () => {
    expect(workflow.on).to.have.property("pull_request");
    expect(workflow.on.push?.branches).to.deep.equal(["main"]);
    expect(pr, "a job for pull requests").to.not.equal(undefined);
    expect(merge, "a job for pushes").to.not.equal(undefined);
    expect(merge.if).to.include("github.ref == 'refs/heads/main'");
    expect(runs(pr)).to.match(/\bpulumi preview --stack pull-request\b/);
    expect(runs(merge)).to.match(/\bpulumi up --stack "\$PULUMI_STACK" --yes\b/);
    expect(runs(merge)).to.not.include("veeam-em-emulator");
  });

  it("starts the emulator with the package's command and flags that the emulator knows, and points the provider at it", () => {
    const start = pr.steps.find((s) => s.run?.includes("veeam-em-emulator"))!;
    const command = /npx (\S+) (.*?) >/.exec(start.run!)!;
    expect(manifest.bin).to.have.property(command[1]);
    const help = execFileSync(process.execPath, [path.join(PACKAGE_ROOT, manifest.bin[command[1]]), "--help"], { encoding: "utf8" });
    const flags = command[2].match(/--[a-z-]+/g)!;
    expect(flags).to.include.members(["--port", "--seed"]);
    for (const flag of flags) expect(help, `the emulator's --help names ${flag}`).to.match(new RegExp(`^ +${flag}\\b`, "m"));
    const port = /--port (\d+)/.exec(command[2])![1];
    expect(pr.env?.VEEAM_EM_URL).to.equal(`http://127.0.0.1:${port}/api/`);
    // The emulator prints this first; the step waits for it.
    expect(start.run).to.include('grep -q "listening on"');
  });

  it("stops the emulator it started through its pid file, whatever the job's outcome", () => {
    const start = pr.steps.find((s) => s.run?.includes("veeam-em-emulator"))!;
    const pidFile = /--pid-file ("[^"]+"|\S+)/.exec(start.run!)![1];
    const stop = pr.steps.find((s) => s.run?.includes("--stop"))!;
    expect(stop.run).to.equal(`npx veeam-em-emulator --stop --pid-file ${pidFile}`);
    expect((stop as Step & { if?: string }).if).to.equal("always()");
  });

  it("keeps loopback off the proxy when the runner has one, and leaves NO_PROXY alone otherwise", () => {
    const start = pr.steps.find((s) => s.run?.includes("veeam-em-emulator"))!;
    const block = /^ *if \[ -n "\$\{HTTP_PROXY[\s\S]*?^ *fi$/m.exec(start.run!)![0];
    const envAfter = (env: Record<string, string>) => {
      const file = path.join(require("node:os").tmpdir(), `ci-env-${process.pid}-${Math.random().toString(36).slice(2)}`);
      require("node:fs").writeFileSync(file, "");
      try {
        execFileSync("bash", ["--norc", "--noprofile", "-c", block], { env: { PATH: process.env.PATH, GITHUB_ENV: file, ...env }, stdio: ["ignore", "pipe", "ignore"] });
        return readFileSync(file, "utf8");
      } finally {
        require("node:fs").rmSync(file, { force: true });
      }
    };
    expect(envAfter({ HTTPS_PROXY: "http://proxy.invalid:3128" })).to.equal("NO_PROXY=127.0.0.1,localhost,::1\n");
    expect(envAfter({ http_proxy: "http://proxy.invalid:3128", NO_PROXY: "corp.example" })).to.equal("NO_PROXY=127.0.0.1,localhost,::1,corp.example\n");
    expect(envAfter({})).to.equal("");
  });

  it("says where a self-hosted runner is needed", () => {
    const text = readFileSync(path.join(CI_DIR, "veeam-em-onboarding.yml"), "utf8");
    expect(text).to.match(/self-hosted runner/);
    expect(text).to.match(/runs-on: \[self-hosted/);
  });

  it("needs no secret on pull requests, and takes EM's password only from the repository's secrets on merge", () => {
    expect(JSON.stringify(pr)).to.not.include("secrets.");
    expect(merge.env?.VEEAM_EM_PASSWORD).to.equal("${{ secrets.VEEAM_EM_PASSWORD }}");
    expect(merge.env?.PULUMI_ACCESS_TOKEN).to.equal("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    const text = readFileSync(path.join(CI_DIR, "veeam-em-onboarding.yml"), "utf8");
    const names = [...new Set(text.match(/\bVEEAM_EM_[A-Z_]+\b/g)!)].filter((n) => n !== "VEEAM_EM_CA_PEM"); // the PEM secret becomes VEEAM_EM_CA_CERT's file
    expect(names).to.include.members(["VEEAM_EM_URL", "VEEAM_EM_USERNAME", "VEEAM_EM_PASSWORD", "VEEAM_EM_CA_CERT"]);
    everyNameReachesTheProvider(names);
  });

  it("writes the emulator's seed from EM on a schedule, with the export's own flags, into the file the pull-request job starts the emulator on", () => {
    const seedJob = jobOn("schedule");
    expect(seedJob.if).to.include("github.event_name == 'workflow_dispatch'");
    const write = seedJob.steps.find((s) => s.run?.includes("--emulator-seed"))!;
    const command = /npx veeam-em (export .*)$/m.exec(write.run!)![1];
    const help = execFileSync(process.execPath, [path.join(PACKAGE_ROOT, manifest.bin["veeam-em"]), "export", "--help"], { encoding: "utf8" });
    for (const flag of command.match(/--[a-z-]+/g)!) expect(help, `veeam-em export --help names ${flag}`).to.match(new RegExp(`^ +${flag}\\b`, "m"));
    expect(seedJob.env?.EM_SEED).to.equal(pr.env?.EM_SEED);
    expect(runs(seedJob)).to.include('git diff --exit-code -- "$EM_SEED"');
    expect(seedJob.env?.VEEAM_EM_PASSWORD).to.equal("${{ secrets.VEEAM_EM_PASSWORD }}");
  });

  it("makes up a password for every subtenant of the data file, in the shape the onboarding program reads", () => {
    const step = pr.steps.find((s) => s.run?.includes("subtenantPasswords"))!;
    const script = /node -e '([\s\S]*?)'\)"/.exec(step.run!)![1];
    const dataFile = path.join(PACKAGE_ROOT, "examples", "onboarding", "tenants.json");
    const out = execFileSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, DATA_FILE: dataFile } });
    const passwords = JSON.parse(out) as Record<string, Record<string, string>>;
    const data = JSON.parse(readFileSync(dataFile, "utf8")) as { tenants: Array<{ name: string; subtenants: Array<{ name: string }> }> };
    for (const tenant of data.tenants)
      for (const sub of tenant.subtenants) expect(passwords[tenant.name]?.[sub.name], `${tenant.name}/${sub.name}`).to.match(/^Ci-[A-Za-z0-9_-]{16}$/);
    expect(step.run).to.include("pulumi config set --stack pull-request --secret subtenantPasswords");
  });
});

describe("examples/ci: the Pulumi ESC environment", () => {
  const esc = yaml.load(readFileSync(path.join(CI_DIR, "esc-environment.yaml"), "utf8")) as {
    values: { em: Record<string, unknown>; pulumiConfig: Record<string, string>; files?: Record<string, string> };
  };

  it("sets only veeam-em:* keys that the provider reads, with the password as an ESC secret", () => {
    const resolve = (value: string): string =>
      value.replace(/\$\{em\.(\w+)\}/g, (_, key: string) => {
        const v = esc.values.em[key];
        return typeof v === "object" && v !== null && "fn::secret" in v ? String((v as Record<string, unknown>)["fn::secret"]) : String(v);
      });
    const config = Object.fromEntries(Object.entries(esc.values.pulumiConfig).map(([k, v]) => [k, resolve(v)]));
    expect(Object.keys(config).every((k) => k.startsWith("veeam-em:")), Object.keys(config).join(", ")).to.equal(true);
    expect(esc.values.em.password).to.have.property("fn::secret");
    expect(esc.values.pulumiConfig["veeam-em:password"]).to.equal("${em.password}");
    const settings = connectionSettings({ get: (key) => config[key] }, {});
    expect(settings.url).to.equal(esc.values.em.url);
    expect(settings.credentials).to.deep.include({ kind: "admin", username: esc.values.em.username });
    expect(settings.taskTimeoutMs).to.equal(Number(config["veeam-em:taskTimeoutSeconds"]) * 1000);
    everyNameReachesTheProvider(Object.keys(esc.values.files ?? {}));
  });
});
