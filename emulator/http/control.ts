import type * as http from "node:http";
import { validateFaultSettings, type FaultController } from "../faults";

/** The emulator's own control endpoint, outside /api/: read and change fault settings at run time. */
export async function handleControl(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  env: { faults: FaultController; adminUser: string; adminPassword: string },
): Promise<void> {
  const json = (status: number, value: unknown) => {
    const text = JSON.stringify(value) + "\n";
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) });
    res.end(text);
  };
  const expected = "Basic " + Buffer.from(`${env.adminUser}:${env.adminPassword}`).toString("base64");
  if (req.headers.authorization !== expected) return json(401, { error: "the emulator's control endpoint needs the admin user's HTTP Basic credentials" });
  const body = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
  const { faults } = env;
  if (url.pathname === "/emulator/faults" && req.method === "GET") return json(200, faults.settings);
  if (url.pathname === "/emulator/faults" && req.method === "PUT") {
    try {
      return json(200, faults.update(validateFaultSettings(JSON.parse(body || "{}"))));
    } catch (err) {
      return json(400, { error: (err as Error).message });
    }
  }
  if (url.pathname === "/emulator/faults" && req.method === "DELETE") return json(200, faults.reset());
  return json(404, { error: "known control endpoints: GET, PUT and DELETE /emulator/faults" });
}
