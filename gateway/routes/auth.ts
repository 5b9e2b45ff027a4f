/**
 * Signup, login (challenge, then signed proof), logout, password change, and the password reset
 * with the recovery key (a recovery proof releases the bundle; a second one replaces the password
 * material). See docs/API.md.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { InviteRequiredError, LoginFailedError, UsernameTakenError } from '../../node/errors.ts'
import { readJson } from '../body.ts'
import { requireUser, type GatewayState } from '../middleware/auth.ts'
import { FailureLimiter } from '../middleware/rate-limit.ts'
import { b64Bytes, CollectionId, KdfParams, Username } from '../schemas.ts'
import { publicUser } from './me.ts'
import type { ObscuraNode } from '../../node/node.ts'

const SignupBody = z.strictObject({
  username: Username,
  invite: z.string().max(200).optional(),
  authPublicKey: b64Bytes(32, 32),
  recoveryAuthPublicKey: b64Bytes(32, 32),
  kdf: KdfParams,
  keyBundle: b64Bytes(32, 64 * 1024),
  signingPublicKey: b64Bytes(32, 32),
  boxPublicKey: b64Bytes(32, 32),
  rootCollection: CollectionId
})
const ChallengeBody = z.strictObject({ username: Username })
const ProofBody = z.strictObject({ challengeId: z.string().regex(/^[0-9a-f]{32}$/), signature: b64Bytes(64, 64) })
/** A proof is ~150 bytes of JSON: anyone may send one, so the body cap is small. */
const MAX_PROOF_JSON = 4096
const PasswordBody = ProofBody.extend({ authPublicKey: b64Bytes(32, 32), kdf: KdfParams, keyBundle: b64Bytes(32, 64 * 1024) })

export interface AuthRoutesOptions {
  /** The clock of the brakes' windows; tests move it. */
  now?: () => number
}

/** Login challenges one client address may ask for per minute: far above any person's need. */
export const CHALLENGES_PER_MINUTE = 300
/** Failed signups (no valid invite, or a taken name) one client address may make per minute. */
export const SIGNUP_FAILURES_PER_MINUTE = 10

export function authRoutes (node: ObscuraNode, options: AuthRoutesOptions = {}): Router {
  const router = new Router({ prefix: '/api/v1/auth' })
  const { now } = options
  const limiter = new FailureLimiter({ limit: 10, windowMs: 60_000, now })
  const signupFailures = new FailureLimiter({ limit: SIGNUP_FAILURES_PER_MINUTE, windowMs: 60_000, now })
  const challengeRequests = new FailureLimiter({ limit: CHALLENGES_PER_MINUTE, windowMs: 60_000, now })
  /** The brake's key for a proof: the client address and the username its challenge was made for. */
  const proofKey = (ip: string, challengeId: string): string => `${ip}|${node.accounts.challengeUsername(challengeId) ?? ''}`

  // Without an invite every refusal reads INVITE_REQUIRED, whether the name is free or taken
  // (node/accounts.ts checks the invite first); the brake stops trying invites or, on a node with
  // open signup, probing names at network speed.
  router.post('/signup', async (ctx) => {
    signupFailures.check(ctx.ip)
    const body = await readJson(ctx, SignupBody, 128 * 1024)
    let user
    try {
      user = await node.accounts.signup(body)
    } catch (err) {
      if (err instanceof InviteRequiredError || err instanceof UsernameTakenError) signupFailures.fail(ctx.ip)
      throw err
    }
    const session = await node.accounts.createSession(user)
    ctx.status = 201
    ctx.body = { token: session.token, expiresAt: session.expiresAt, user: publicUser(user) }
  })

  // Anyone may ask for a challenge, so each one counts against its address (the node keeps
  // challenges in bounded memory: see [Note: login challenges in memory] in node/accounts.ts).
  router.post('/challenge', async (ctx) => {
    challengeRequests.check(ctx.ip)
    const { username } = await readJson(ctx, ChallengeBody, 1024)
    limiter.check(`${ctx.ip}|${username}`)
    challengeRequests.fail(ctx.ip)
    const { challengeId, challenge, kdf } = await node.accounts.startLogin(username)
    ctx.body = { challengeId, challenge: Buffer.from(challenge).toString('base64'), kdf }
  })

  router.post('/login', async (ctx) => {
    const { challengeId, signature } = await readJson(ctx, ProofBody, MAX_PROOF_JSON)
    const key = proofKey(ctx.ip, challengeId)
    limiter.check(key)
    try {
      const session = await node.accounts.finishLogin(challengeId, signature)
      ctx.body = {
        token: session.token,
        expiresAt: session.expiresAt,
        user: publicUser(session.user),
        keyBundle: session.user.keyBundle
      }
    } catch (err) {
      limiter.fail(key)
      throw err
    }
  })

  // [Note: recovery in two proofs] The client needs the bundle to unwrap the master key before
  // it can make the new one, so a recovery proof first releases the bundle (and nothing else),
  // then a second recovery proof, on a fresh challenge, carries the new password material. Both
  // count their failures toward the login brake.
  router.post('/recover/bundle', async (ctx) => {
    const { challengeId, signature } = await readJson(ctx, ProofBody, MAX_PROOF_JSON)
    const key = proofKey(ctx.ip, challengeId)
    limiter.check(key)
    try {
      const user = await node.accounts.verifyRecoveryProof(challengeId, signature)
      ctx.body = { keyBundle: user.keyBundle }
    } catch (err) {
      limiter.fail(key)
      throw err
    }
  })

  router.post('/recover', async (ctx) => {
    const body = await readJson(ctx, PasswordBody, 128 * 1024)
    const key = proofKey(ctx.ip, body.challengeId)
    limiter.check(key)
    try {
      const session = await node.accounts.recover(body, body)
      ctx.body = { token: session.token, expiresAt: session.expiresAt, user: publicUser(session.user) }
    } catch (err) {
      limiter.fail(key)
      throw err
    }
  })

  router.post('/logout', async (ctx) => {
    requireUser(ctx)
    await node.accounts.logout((ctx.state as GatewayState).token as string)
    ctx.status = 204
  })

  // A stolen session must not turn this route into an unthrottled password oracle: a wrong
  // current password counts against the same brake as a failed login.
  router.post('/password', async (ctx) => {
    const user = requireUser(ctx)
    const body = await readJson(ctx, PasswordBody, 128 * 1024)
    const key = `${ctx.ip}|${user.username}`
    limiter.check(key)
    try {
      await node.accounts.changePassword(user, (ctx.state as GatewayState).token as string, body, body)
    } catch (err) {
      if (err instanceof LoginFailedError) limiter.fail(key)
      throw err
    }
    ctx.status = 204
  })

  return router
}
