/** Field tables and what is derived from them; see table.ts. */
export * from "./table";
export { checkInputs, didYouMean, nearest } from "./check";
export { changedArguments, diffInputs, onlyStateChanges } from "./diff";
export { declaredFrom, declaredIn, outputsFrom, refreshedInputs, withStateArguments } from "./state";
export { argumentTable } from "./docs";
export { CONNECTION_FIELD, sameConnectionEm } from "./connection";
