import type { Task } from "../model";
import type { Element } from "../wire/tree";
import { el, leaf, link, links } from "./common";

export function taskRepresentation(api: string, task: Task): Element {
  const self = `${api}/tasks/${task.id}`;
  let result: Element | undefined;
  if (task.state === "Finished") result = el("Result", { Success: task.success ?? false }, leaf("Message", task.message));
  // EM's example of a task between the backup server finishing and EM collecting the result.
  if (task.state === "OperationFinished") result = el("Result", { Success: true }, leaf("Message", "OperationFinished"));
  // A finished create links the object it made (post_tenants, post_tenants_id_resources).
  const related = task.state === "Finished" && task.related ? link("Related", task.related.type, `${api}/${task.related.path}`, task.related.name) : undefined;
  return el("Task", { Type: "Task", Href: self }, links(link("Delete", "Task", self), related), leaf("TaskId", task.id), leaf("State", task.state), leaf("Operation", task.operation), result);
}
