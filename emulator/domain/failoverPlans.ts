import { EmError } from "../http/context";
import type { CloudFailoverPlan, EmState, Session } from "../model";

/** The plans a session may see: all of them for an administrator, a tenant's own for a tenant session. */
export function visiblePlans(state: EmState, session: Session): CloudFailoverPlan[] {
  return session.kind === "admin" ? state.cloudFailoverPlans : state.cloudFailoverPlans.filter((p) => p.tenantId === session.tenantId);
}

/** A plan another tenant owns is answered as absent, as EM answers for objects outside a session's reach. */
export function findVisiblePlan(state: EmState, session: Session, planId: string): CloudFailoverPlan {
  const plan = visiblePlans(state, session).find((p) => p.id.toLowerCase() === planId.toLowerCase());
  if (!plan) throw new EmError(404, `Cloud failover plan '${planId}' was not found`);
  return plan;
}

type Outcome = { success: boolean; message: string };

/**
 * StartCloudFailoverPlan (post_cloudfailoverplans_id_start): the plan's VMs fail over. Starting a plan that is
 * already failed over, or undoing one that is not, fails the task (assumed: the reference does not say).
 */
export function startPlanEffect(state: EmState, planId: string): () => Outcome {
  return () => {
    const plan = state.cloudFailoverPlans.find((p) => p.id === planId);
    if (!plan) return { success: false, message: `Cloud failover plan '${planId}' no longer exists` };
    if (plan.failedOver) return { success: false, message: `Cloud failover plan '${plan.name}' is already started` };
    plan.failedOver = true;
    return { success: true, message: "Ok" };
  };
}

/** UndoCloudFailoverPlan (post_cloudfailoverplans_id_undo): the plan's VMs fail back to production. */
export function undoPlanEffect(state: EmState, planId: string): () => Outcome {
  return () => {
    const plan = state.cloudFailoverPlans.find((p) => p.id === planId);
    if (!plan) return { success: false, message: `Cloud failover plan '${planId}' no longer exists` };
    if (!plan.failedOver) return { success: false, message: `Cloud failover plan '${plan.name}' is not started; there is nothing to undo` };
    plan.failedOver = false;
    return { success: true, message: "Ok" };
  };
}
