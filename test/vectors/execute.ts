/**
 * Executes one test vector of any kind, filling `out` with every output as it is produced; a
 * thrown error ends the case and its `code` is the expected outcome. The generator runs this to
 * write `expected`; the replay test runs it again on the committed inputs and randomness and
 * compares, so encryption is checked byte for byte, not only decryption.
 */
import { CID } from 'multiformats/cid'
import { boxOpen, boxSeal, openSealed, sealTo } from '../../src/crypto/box.ts'
import { createAccountKeys, encodeKeyBundle, recoverAccountKeys, unlockAccountKeys } from '../../src/crypto/keys.ts'
import type { RandomSource } from '../../src/crypto/random.ts'
import { encodeRecoveryKey } from '../../src/crypto/recovery-key.ts'
import { signingKeyFromSeed } from '../../src/crypto/sign.ts'
import { boxKeyPairFromSecret } from '../../src/crypto/x25519.ts'
import { bytesEqual } from '../../src/crypto/bytes.ts'
import { deriveLinkKeys } from '../../src/crypto/link-keys.ts'
import { unwrapLinkCollectionKey, unwrapPreviousKey, wrapLinkCollectionKey, wrapPreviousKey } from '../../src/crypto/wrap.ts'
import { createGrantToken, openGrantToken } from '../../src/format/grant.ts'
import { createInvitation, openInvitation } from '../../src/format/invitation.ts'
import { base64url } from 'multiformats/bases/base64'
import { decodeCanonical, encodeCanonical, verifyBlock } from '../../src/format/cid.ts'
import { decodeCommit, encodeCommit, openRecord, sealRecord, type SignedRecord } from '../../src/format/commit.ts'
import { checkNotRolledBack, checkSuccession, createHead, decodeHead, verifyHeadSignature } from '../../src/format/head.ts'
import { openManifest, sealManifest, type Manifest } from '../../src/format/manifest.ts'
import { padme } from '../../src/format/padding.ts'
import { hex, toHex } from '../crypto/helpers.ts'
import { executeStream, type StreamInputs } from './execute-stream.ts'

/**
 * Inputs are JSON, bytes as hex and CIDs as strings. `any` because each kind reads its own
 * shape straight from the vector file; a wrong shape fails the replay's output comparison.
 */
type Inputs = Record<string, any>
type Executor = (inputs: Inputs, random: RandomSource, out: Record<string, unknown>) => Promise<void>

const cid = (text: string | null): CID | null => text === null ? null : CID.parse(text)
const optionalHex = (text: string | undefined): Uint8Array | undefined => text === undefined ? undefined : hex(text)

async function headFrom (inputs: Inputs, prev: CID | null): Promise<Awaited<ReturnType<typeof createHead>>> {
  const owner = await signingKeyFromSeed(hex(inputs.ownerSeed))
  const signer = await signingKeyFromSeed(hex(inputs.signerSeed ?? inputs.ownerSeed))
  return await createHead({ collection: inputs.collection, owner: owner.publicKey, seq: inputs.seq, root: cid(inputs.root)!, prev }, signer)
}

async function record (inputs: Inputs, content: string, random: RandomSource): Promise<SignedRecord> {
  const author = await signingKeyFromSeed(hex(inputs.authorSeed))
  return await sealRecord(hex(inputs.collectionKey), inputs.collection, author, decodeCanonical(hex(content)) as object, random, inputs.epoch ?? 0)
}

export const executors: Record<string, Executor> = {
  async padme (inputs, _random, out) {
    out.padded = (inputs.lengths as number[]).map(padme)
  },

  async 'recovery-key' (inputs, _random, out) {
    out.text = encodeRecoveryKey(hex(inputs.key))
  },

  async cbor (inputs, _random, out) {
    out.reencoded = toHex(encodeCanonical(decodeCanonical(hex(inputs.bytes))))
  },

  async cid (inputs, _random, out) {
    await verifyBlock(CID.parse(inputs.cid), hex(inputs.bytes))
    out.verified = true
  },

  async box (inputs, random, out) {
    const box = boxSeal(hex(inputs.key), hex(inputs.plaintext), { label: inputs.label, context: optionalHex(inputs.context), pad: inputs.pad, random })
    out.box = toHex(box)
    const open = { key: inputs.key, label: inputs.label, context: inputs.context, ...inputs.open }
    const altered = open.truncate === undefined ? box : box.subarray(0, open.truncate)
    if (open.flip !== undefined) altered[open.flip] = (altered[open.flip] as number) ^ 0x01
    out.plaintext = toHex(boxOpen(hex(open.key), altered, { label: open.label, context: optionalHex(open.context), pad: inputs.pad }))
  },

  async seal (inputs, random, out) {
    const recipient = boxKeyPairFromSecret(hex(inputs.recipientSecret))
    out.recipientPublic = toHex(recipient.publicKey)
    const sealed = sealTo(recipient.publicKey, hex(inputs.plaintext), { label: inputs.label, random })
    out.sealed = toHex(sealed)
    out.plaintext = toHex(openSealed(hex(inputs.openSecret ?? inputs.recipientSecret), sealed, { label: inputs.openLabel ?? inputs.label }))
  },

  async stream (inputs, random, out) {
    await executeStream(inputs as StreamInputs, random, out)
  },

  async head (inputs, _random, out) {
    const previous = inputs.previous === undefined ? null : await headFrom(inputs.previous, null)
    const created = await headFrom(inputs, inputs.prev === 'previous' ? previous!.cid : cid(inputs.prev ?? null))
    out.bytes = toHex(created.bytes)
    out.cid = created.cid.toString()
    const head = decodeHead(created.bytes)
    if (inputs.flipSignatureByte !== undefined) head.sig[inputs.flipSignatureByte] = (head.sig[inputs.flipSignatureByte] as number) ^ 0x01
    await verifyHeadSignature(head)
    if (previous !== null) checkSuccession(previous.head, previous.cid, head)
    if (inputs.lastSeen !== undefined) checkNotRolledBack(inputs.lastSeen.seq, cid(inputs.lastSeen.root), head)
    out.accepted = true
  },

  async record (inputs, random, out) {
    const sealed = await record(inputs, inputs.content, random)
    out.record = { author: toHex(sealed.author), box: toHex(sealed.box), sig: toHex(sealed.sig), ...(sealed.epoch !== undefined ? { epoch: sealed.epoch } : {}) }
    const authored = inputs.claimAuthorSeed === undefined ? sealed : { ...sealed, author: (await signingKeyFromSeed(hex(inputs.claimAuthorSeed))).publicKey }
    const claimed = inputs.claimEpoch === undefined ? authored : { ...authored, epoch: inputs.claimEpoch }
    const allowed = inputs.allowedSeeds === undefined
      ? undefined
      : await Promise.all((inputs.allowedSeeds as string[]).map(async (s) => (await signingKeyFromSeed(hex(s))).publicKey))
    const content = await openRecord(hex(inputs.collectionKey), inputs.collection, claimed, allowed === undefined ? undefined : (a) => allowed.some((k) => bytesEqual(k, a)))
    out.content = toHex(encodeCanonical(content))
  },

  async commit (inputs, random, out) {
    const records: SignedRecord[] = []
    for (const content of inputs.contents as string[]) records.push(await record(inputs, content, random))
    const { bytes, cid: commitCid } = await encodeCommit({ collection: inputs.collection, seq: inputs.seq, prev: cid(inputs.prev), links: (inputs.links as string[]).map((l) => CID.parse(l)), records })
    out.bytes = toHex(bytes)
    out.cid = commitCid.toString()
    out.links = decodeCommit(bytes).links.map(String)
  },

  async rekey (inputs, random, out) {
    const previous = wrapPreviousKey(hex(inputs.newKey), inputs.collection, inputs.previousEpoch, hex(inputs.previousKey), random)
    out.previous = toHex(previous)
    out.opened = toHex(unwrapPreviousKey(hex(inputs.openKey ?? inputs.newKey), inputs.collection, inputs.openEpoch ?? inputs.previousEpoch, previous))
  },

  async 'link-keys' (inputs, random, out) {
    const keys = await deriveLinkKeys(hex(inputs.secret), optionalHex(inputs.passwordPart))
    out.wrapKey = toHex(keys.wrapKey)
    out.signingPublicKey = toHex(keys.signing.publicKey)
    out.boxPublicKey = toHex(keys.box.publicKey)
    out.dedupKey = toHex(keys.dedupKey)
    const keyBox = wrapLinkCollectionKey(keys.wrapKey, inputs.collection, inputs.epoch, hex(inputs.collectionKey), random)
    out.keyBox = toHex(keyBox)
    const opener = inputs.openPasswordPart === undefined ? keys : await deriveLinkKeys(hex(inputs.secret), hex(inputs.openPasswordPart))
    out.opened = toHex(unwrapLinkCollectionKey(opener.wrapKey, inputs.collection, inputs.epoch, keyBox))
  },

  async grant (inputs, _random, out) {
    const member = await signingKeyFromSeed(hex(inputs.memberSeed))
    const bytes = await createGrantToken({ node: inputs.node, collection: inputs.collection, expiresAt: inputs.expiresAt }, member)
    out.bytes = toHex(bytes)
    const decoded = decodeCanonical(bytes) as { sig: Uint8Array }
    if (inputs.flipSignatureByte !== undefined) decoded.sig[inputs.flipSignatureByte] = (decoded.sig[inputs.flipSignatureByte] as number) ^ 0x01
    const token = await openGrantToken(encodeCanonical(decoded))
    out.member = toHex(token.member)
  },

  async invitation (inputs, _random, out) {
    const user = await signingKeyFromSeed(hex(inputs.userSeed))
    const text = await createInvitation({ node: inputs.node, addrs: inputs.addrs, username: inputs.username, boxPublicKey: hex(inputs.boxPublicKey), createdAt: inputs.createdAt }, user)
    out.text = text
    const decoded = decodeCanonical(base64url.baseDecode(text)) as { addrs: string[] }
    if (inputs.claimAddrs !== undefined) decoded.addrs = inputs.claimAddrs
    const invitation = await openInvitation(base64url.baseEncode(encodeCanonical(decoded)))
    out.signingPublicKey = toHex(invitation.signingPublicKey)
  },

  async manifest (inputs, random, out) {
    const manifest = decodeCanonical(hex(inputs.manifest)) as Manifest
    const sealed = await sealManifest(hex(inputs.fileKey), inputs.item, manifest, random)
    out.bytes = toHex(sealed.bytes)
    out.cid = sealed.cid.toString()
    out.links = sealed.links.map(String)
    const opened = await openManifest(hex(inputs.openKey ?? inputs.fileKey), inputs.openItem ?? inputs.item, sealed.bytes)
    out.opened = toHex(encodeCanonical(opened))
  },

  async 'key-bundle' (inputs, random, out) {
    const account = await createAccountKeys(inputs.password, { random })
    out.bundle = toHex(encodeKeyBundle(account.bundle))
    out.authPublicKey = toHex(account.authPublicKey)
    out.recoveryAuthPublicKey = toHex(account.recoveryAuthPublicKey)
    out.recoveryKey = account.recoveryKey
    out.masterKey = toHex(account.keys.masterKey)
    out.dedupKey = toHex(account.keys.dedupKey)
    const unlocked = inputs.recoveryKey !== undefined
      ? await recoverAccountKeys(account.bundle, inputs.recoveryKey)
      : await unlockAccountKeys(account.bundle, inputs.unlockPassword ?? inputs.password)
    out.unlockedMasterKey = toHex(unlocked.masterKey)
  }
}
