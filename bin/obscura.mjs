#!/usr/bin/env node
// The `obscura` command: makes sure Node >= 22 runs it, then loads the TypeScript CLI through tsx.
import { ensureModernNode } from './modern-node.mjs'

await ensureModernNode()
const { register } = await import('tsx/esm/api')
register()
await import('../node/cli/main.ts')
