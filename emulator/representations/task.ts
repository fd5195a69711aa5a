import type { Task } from "../model";
import type { Element } from "../wire/tree";
import { el, leaf, link, links } from "./common";

export function taskRepresentation(api: string, task: Task): Element {
  const self = `${api}/tasks/${task.id}`;
  let result: Element | undefined;
  if (task.state === "Finished") result = el("Result", { Success: task.success ?? false }, leaf("Message", task.message));
  // EM's example of a task between the backup server finishing and EM collecting the result.
  if (task.state === "OperationFinished") result = el("Result", { Success: true }, leaf("Message", "OperationFinished"));
  return el("Task", { Type: "Task", Href: self }, links(link("Delete", "Task", self)), leaf("TaskId", task.id), leaf("State", task.state), leaf("Operation", task.operation), result);
}
