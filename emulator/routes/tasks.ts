import { EmError, requireSession, type RequestContext } from "../http/context";
import { http, type RouteHandler } from "../http/handlers";
import type { Task } from "../model";
import { taskRepresentation } from "../representations/task";
import { wrappedList } from "../wire/tree";

/** Tenants see their own tasks, as every session does (cloud_connect_tenant_credentials: they start failover plans). */
const TENANTS_TOO = { access: "session" } as const;

/** EM shows a task only within the logon session that started it. */
function ownTask(ctx: RequestContext): Task {
  const session = requireSession(ctx);
  const task = ctx.store.tasks.get(ctx.params.taskId);
  if (!task || task.sessionId !== session.id) throw new EmError(404, `Task '${ctx.params.taskId}' was not found in this logon session`);
  return task;
}

export const taskHandlers: RouteHandler[] = [
  http.get("/tasks", (ctx) => {
    const session = requireSession(ctx);
    const tasks = [...ctx.store.tasks.values()].filter((t) => t.sessionId === session.id);
    return { status: 200, body: wrappedList("Tasks", "Tasks", tasks.map((t) => taskRepresentation(ctx.apiUrl, t))) };
  }, TENANTS_TOO),
  http.get("/tasks/:taskId", (ctx) => ({ status: 200, body: taskRepresentation(ctx.apiUrl, ownTask(ctx)) }), TENANTS_TOO),
  http.delete("/tasks/:taskId", (ctx) => {
    ctx.store.cancelTask(ownTask(ctx).id);
    return { status: 204 };
  }, TENANTS_TOO),
];

