/**
 * `upload` and `download`. Upload reads each photo's and video's metadata and makes its
 * thumbnail and preview (node/media), pairs Live Photo halves into one item, shows a progress
 * bar on a terminal, can be cancelled with Ctrl-C and resumes where it stopped when run again;
 * it is refused before it starts when the new files cannot fit in the quota left. Download
 * verifies every block and writes each original byte-identical under its current name (both
 * files of a Live Photo), skipping files a previous run already wrote.
 */
import { resolve } from 'node:path'
import { createNodeMediaProcessor } from '../../media/processor.ts'
import { fallbackNote, transportFor } from '../../../src/client/blocks.ts'
import { uploadFiles } from '../../../src/client/upload.ts'
import { parseFlags } from '../args.ts'
import { fileJournal } from '../context.ts'
import { CancelledError, QuotaTooSmallError, UsageError } from '../errors.ts'
import { collectFiles, downloadCollection, safeFileName } from '../files.ts'
import { openLibrary } from '../library.ts'
import { formatBytes, ProgressBar } from '../progress.ts'
import type { NodeApi } from '../../../src/client/api.ts'
import type { CollectionState } from '../../../src/client/collection.ts'
import type { Library } from '../../../src/client/library.ts'
import type { UploadSource } from '../../../src/client/upload.ts'

/** An AbortSignal that fires on the first Ctrl-C or SIGTERM. */
function cancelOnSignal (): AbortSignal {
  const controller = new AbortController()
  const cancel = (signal: 'SIGINT' | 'SIGTERM'): void => {
    controller.abort(new CancelledError('cancelled; run the same command again to resume', signal))
  }
  process.once('SIGINT', cancel)
  process.once('SIGTERM', cancel)
  return controller.signal
}

/**
 * Refuses at once an upload that cannot fit in what is left of the user's quota, instead of
 * sending blocks until the node says no. Only files whose size matches no item of the library
 * (nor an earlier file of this upload) are counted: the others may be duplicates, which cost
 * nothing (the size rule of [Note: one read per new file], src/client/upload.ts). Thumbnails,
 * previews and encryption overhead are not counted either, so the node may still refuse an
 * upload that passes here; this check only never refuses one that would have fitted.
 */
async function refuseOverQuota (library: Library, files: UploadSource[], signal: AbortSignal): Promise<void> {
  const sizes = new Set(library.items({ includeTrashed: true }).map((r) => r.item.size))
  let needed = 0
  for (const file of files) {
    if (sizes.has(file.size)) continue
    sizes.add(file.size)
    needed += file.size
  }
  const { usedBytes, quotaBytes } = await library.account.api.me({ signal })
  const left = Math.max(0, quotaBytes - usedBytes)
  if (needed > left) {
    throw new QuotaTooSmallError(`this upload needs ${formatBytes(needed)} but only ${formatBytes(left)} of your ${formatBytes(quotaBytes)} quota is left`)
  }
}

export async function runUpload (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('upload', args, {
    node: { type: 'string' }, album: { type: 'string', multiple: true }, folder: { type: 'string' }
  })
  if (positionals.length === 0) throw new UsageError('upload needs at least one file or folder')
  const files = await collectFiles(positionals)
  if (files.length === 0) throw new UsageError('no files found to upload')
  const signal = cancelOnSignal()
  const library = await openLibrary(values.node, signal)
  await refuseOverQuota(library, files, signal)
  const targets: CollectionState[] = []
  if (values.folder != null) targets.push(await library.ensureFolder(values.folder))
  for (const album of values.album ?? []) targets.push(await library.ensureAlbum(album))

  const total = files.reduce((sum, f) => sum + f.size, 0)
  const bar = new ProgressBar('upload', total)
  let finished = 0
  try {
    const result = await uploadFiles(library, files, {
      targets,
      journal: fileJournal(),
      media: createNodeMediaProcessor(),
      signal,
      onProgress: (event) => {
        if (event.type === 'obscura:upload:note') {
          bar.finish()
          process.stderr.write(`obscura: note: ${event.name}: ${event.note}\n`)
        }
        if (event.type === 'obscura:upload:bytes') bar.update(finished + event.fileBytes, event.name)
        if (event.type === 'obscura:upload:file-done') {
          finished += event.size
          bar.update(finished)
        }
      }
    })
    bar.finish()
    const where = targets.map((t) => `${t.kind} "${t.kind === 'folder' ? library.folderPath(t) : t.name ?? ''}"`).join(' and ')
    const live = result.live > 0 ? `, ${result.live} of them Live Photo${result.live === 1 ? '' : 's'} (still and video as one item)` : ''
    await noteFallback(library.account.api)
    process.stdout.write(`Uploaded ${result.uploaded} file${result.uploaded === 1 ? '' : 's'}${live} (${formatBytes(total)} read)${where !== '' ? ` to ${where}` : ''}; skipped ${result.skipped} already uploaded.\n`)
    return 0
  } finally {
    bar.finish()
  }
}

export async function runDownload (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('download', args, { node: { type: 'string' }, out: { type: 'string' } })
  if (positionals.length !== 1) throw new UsageError('download takes one ALBUM or FOLDER')
  const signal = cancelOnSignal()
  const library = await openLibrary(values.node, signal)
  const collection = library.resolve(positionals[0] as string)
  await downloadCollection(library.account.api, collection, resolve(values.out ?? safeFileName(collection.name ?? collection.id)), {
    dedupKey: library.account.keys.dedupKey, signal
  })
  await noteFallback(library.account.api)
  return 0
}

/** Says on stderr when direct S3 transfers fell back to the gateway (see fallbackNote). */
async function noteFallback (api: NodeApi): Promise<void> {
  const note = fallbackNote(await transportFor(api))
  if (note != null) process.stderr.write(`obscura: note: ${note}\n`)
}
