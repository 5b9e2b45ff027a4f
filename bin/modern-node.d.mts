// Types of modern-node.mjs, for the TypeScript that imports it (node/cli/commands/node.ts).
export function isModernNode (): boolean
export function ensureModernNode (): Promise<void>
export function whenOrphaned (onOrphaned: () => void, everyMs?: number): () => void
