/**
 * Named points in multi-step writes where a crash test can stop the node (test/node/crash.test.ts).
 * `faultHook` is unset in production; a test sets it to throw at the step it names, leaving the
 * database exactly as a kill -9 at that point would, then reopens the data folder as a fresh node.
 */
export type FaultStep = 'commit:link' | 'commit:linked' | 'commit:head' | 'commit:unlink'

export const faults: { hook?: (step: FaultStep) => void } = {}

/** Calls the test's hook, if any: a no-op in production. */
export function faultPoint (step: FaultStep): void {
  faults.hook?.(step)
}
