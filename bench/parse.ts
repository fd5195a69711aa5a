/**
 * `npm run bench:parse`: what reading an answer costs, per MB of answer, for legitimate answers (EM's shapes at
 * the sizes a large service provider sees) and hostile ones (the shapes that made a reader's time grow with the
 * square of the answer, and those past ANSWER_LIMITS, which must be refused fast). Our reader is set beside
 * fast-xml-parser (still a dependency: the emulator's schema check uses it) on the legitimate answers. Prints a
 * table; ratios are within one run, so they hold on any machine. docs/xml-reader.md explains the figures.
 *
 * Run with --expose-gc (the npm script does) for the retained-memory column.
 */
import { XMLParser } from "fast-xml-parser";
import { decodeBody, LIST_ITEMS, parseXml } from "../provider/client/codec";

const NS = "http://www.veeam.com/ent/v1.0";
const API = "https://em.example.com:9398/api";
const MB = 1024 * 1024;

interface Case {
  name: string;
  kind: "legitimate" | "hostile";
  text: string;
}

const guid = (n: number, kind = 1) => `${String(n).padStart(8, "0")}-${String(kind).padStart(4, "0")}-4000-8000-000000000000`;

/** GET /security/accounts: EntityReferences of every account, unpaged (EM has no paging there). */
function accountList(count: number): string {
  const refs = Array.from({ length: count }, (_, i) => {
    const id = guid(i, 7);
    return `  <Ref UID="urn:veeam:EnterpriseAccount:${id}" Name="TECH\\user.${i}" Href="${API}/security/accounts/${id}" Type="EnterpriseAccountReference">\r\n    <Links>\r\n      <Link Href="${API}/security/accounts/${id}?format=Entity" Name="TECH\\user.${i}" Type="EnterpriseAccount" Rel="Alternate" />\r\n    </Links>\r\n  </Ref>\r\n`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>\r\n<EntityReferences xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${NS}">\r\n${refs.join("")}</EntityReferences>\r\n`;
}

/** GET /query?type=CloudSubtenant&format=Entities: a page of subtenants as EM writes them. */
function subtenantPage(count: number): string {
  const tenant = guid(1, 2);
  const subs = Array.from({ length: count }, (_, i) => {
    const id = guid(i, 4);
    return `      <CloudSubtenant Href="${API}/cloud/tenants/${tenant}/subtenants/${id}" Type="CloudSubtenant" Name="abc-dept-${i}" UID="urn:veeam:CloudSubtenant:${id}" Id="${id}">
        <Links>
          <Link Href="${API}/cloud/tenants/${tenant}" Name="ABC Company" Type="CloudTenant" Rel="Up" />
          <Link Href="${API}/cloud/tenants/${tenant}/subtenants/${id}" Name="abc-dept-${i}" Type="CloudSubtenant" Rel="Edit" />
          <Link Href="${API}/cloud/tenants/${tenant}/subtenants/${id}" Name="abc-dept-${i}" Type="Task" Rel="Delete" />
        </Links>
        <Name>abc-dept-${i}</Name>
        <Description>Department ${i} of ABC Company &amp; partners</Description>
        <Password />
        <Enabled>true</Enabled>
        <RepositoryQuota Unlimited="false">
          <DisplayName>ABC Company Cloud Repository</DisplayName>
          <TenantResourceId>11c59670-23df-448c-a4b3-74c42669633e</TenantResourceId>
          <QuotaMb>20480</QuotaMb>
          <UsedQuotaMb>1024</UsedQuotaMb>
          <QuotaId>${guid(i, 5)}</QuotaId>
        </RepositoryQuota>
      </CloudSubtenant>
`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<QueryResult xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${NS}">
  <Entities>
    <CloudSubtenants>
${subs.join("")}    </CloudSubtenants>
  </Entities>
  <PagingInfo PageNum="1" PageSize="${count}" PagesCount="1" />
</QueryResult>
`;
}

const repeat = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length));

const CASES: Case[] = [
  { name: "query page, 100 subtenants (entities)", kind: "legitimate", text: subtenantPage(100) },
  { name: "query page, 4,000 subtenants (entities)", kind: "legitimate", text: subtenantPage(4_000) },
  { name: "account list, 20,000 references", kind: "legitimate", text: accountList(20_000) },
  { name: "JSON query page, 4,000 subtenants", kind: "legitimate", text: "" }, // filled below
  { name: "1 element, 100,000 attributes (refused)", kind: "hostile", text: `<a${Array.from({ length: 100_000 }, (_, i) => ` a${i}=""`).join("")}/>` },
  { name: "elements of 256 attributes (the limit)", kind: "hostile", text: `<r>${repeat(`<e${Array.from({ length: 256 }, (_, i) => ` a${i}="v"`).join("")}/>`, MB)}</r>` },
  { name: "400,000 small elements", kind: "hostile", text: `<r>${"<a/>".repeat(400_000)}</r>` },
  { name: "800,000 small elements (refused)", kind: "hostile", text: `<r>${"<a/>".repeat(800_000)}</r>` },
  { name: "text split by comments", kind: "hostile", text: `<r>${repeat("x<!---->", 4 * MB)}</r>` },
  { name: "values far from any '&' or '<'", kind: "hostile", text: `<r>${repeat(`<v n="${"n".repeat(40)}">${"t".repeat(40)}</v>`, 4 * MB)}</r>` },
  { name: "nesting 1,000,000 deep (refused)", kind: "hostile", text: "<a>".repeat(1_000_000) + "</a>".repeat(1_000_000) },
  { name: "JSON nested 1,000,000 deep (refused)", kind: "hostile", text: `{"Refs":${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}` },
];
CASES[3].text = JSON.stringify({ Entities: { CloudSubtenants: { CloudSubtenants: decodeBody(subtenantPage(4_000)).body } }, PagingInfo: { PageNum: 1, PageSize: 4000, PagesCount: 1 } });

const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, isArray: (name) => LIST_ITEMS.has(name) });

const gc = (globalThis as { gc?: () => void }).gc;

/** Median milliseconds of `runs` reads, and the heap the last result holds (MB; NaN without --expose-gc). */
function measure(read: () => unknown, runs: number): { ms: number; heldMb: number; outcome: string } {
  const times: number[] = [];
  let outcome = "read";
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    try {
      read();
    } catch (err) {
      outcome = `refused: ${(err as Error).message.slice(0, 60)}…`;
    }
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  let heldMb = NaN;
  if (gc) {
    gc();
    const before = process.memoryUsage().heapUsed;
    let kept: unknown;
    try {
      kept = read();
    } catch {
      kept = undefined;
    }
    gc();
    heldMb = Math.max(0, (process.memoryUsage().heapUsed - before) / MB);
    if (kept === null) heldMb = NaN; // keeps `kept` alive until here
  }
  return { ms: times[Math.floor(times.length / 2)], heldMb, outcome };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const num = (n: number, digits = 1) => (Number.isNaN(n) ? "-" : n.toFixed(digits));

function main(): void {
  console.log(`node ${process.version}; median of 5 reads (3 for answers over 2 MB); held = heap the result keeps\n`);
  console.log(`${pad("answer", 44)} ${pad("kind", 11)} ${pad("MB", 6)} ${pad("reader", 16)} ${pad("ms", 8)} ${pad("ms/MB", 8)} ${pad("held MB/MB", 11)} outcome`);
  for (const c of CASES) {
    const mb = c.text.length / MB;
    const runs = mb > 2 ? 3 : 5;
    const readers: Array<[string, () => unknown]> = [["ours", () => decodeBody(c.text)]];
    if (c.kind === "legitimate" && c.text.startsWith("<")) readers.push(["fast-xml-parser", () => fxp.parse(c.text)]);
    for (const [reader, read] of readers) {
      const m = measure(read, runs);
      console.log(`${pad(c.name, 44)} ${pad(c.kind, 11)} ${pad(num(mb, 2), 6)} ${pad(reader, 16)} ${pad(num(m.ms), 8)} ${pad(num(m.ms / mb), 8)} ${pad(num(m.heldMb / mb, 2), 11)} ${m.outcome}`);
    }
  }
  // Many small answers, as a provider making thousands of requests reads them.
  const small = subtenantPage(1);
  const count = 20_000;
  for (const [reader, read] of [
    ["ours", () => parseXml(small)],
    ["fast-xml-parser", () => fxp.parse(small)],
  ] as Array<[string, () => unknown]>) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) read();
    const us = Number(process.hrtime.bigint() - started) / 1e3 / count;
    console.log(`\n${pad(`${count} answers of one subtenant (${small.length} bytes)`, 44)} ${pad(reader, 16)} ${num(us, 1)} µs per answer`);
  }
}

main();
