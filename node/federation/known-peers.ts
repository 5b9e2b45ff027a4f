/**
 * Dials the nodes the operator lists in `libp2p.peers` once at start-up, so that the first
 * federated request to them finds a connection open. Best effort: an unreachable peer is logged
 * and left alone (every later request dials again on its own, with its own time limit), and
 * start-up never waits on the network.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from '@libp2p/interface'

export interface DialOptions {
  log?: (line: string) => void
  /** Time limit of each dial. */
  timeoutMs?: number
}

/** Dials every address in parallel; resolves when all have connected or failed. */
export async function dialKnownPeers (libp2p: Pick<Libp2p, 'dial'>, peers: string[], options: DialOptions = {}): Promise<void> {
  const log = options.log ?? (() => {})
  await Promise.all(peers.map(async (text) => {
    try {
      const ma = multiaddr(text)
      if (ma.getComponents().every((c) => c.name !== 'p2p')) {
        log(`federation: known peer ${text} has no /p2p/<peer id>: skipped (its identity could not be checked)`)
        return
      }
      const connection = await libp2p.dial(ma, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
      log(`federation: connected to known peer ${connection.remotePeer.toString()}`)
    } catch (err) {
      log(`federation: could not reach known peer ${text}: ${(err as Error).message || (err as Error).name}`)
    }
  }))
}
