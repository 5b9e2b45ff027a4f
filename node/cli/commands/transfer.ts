/**
 * `upload` and `download`. Upload reads each photo's and video's metadata and makes its
 * thumbnail and preview (node/media), pairs Live Photo halves into one item, shows a progress
 * bar on a terminal, can be cancelled with Ctrl-C and resumes where it stopped when run again;
 * it is refused before it starts when the new files cannot fit in the quota left. Files that are
 * not photos or videos, empty ones and damaged ones are refused one by one (a line each on
 * stderr, exit code 1) while the others go up, unless `--any-file`. Download
 * verifies every block and writes each original byte-identical under its current name (both
 * files of a Live Photo), skipping files a previous run already wrote.
 */
import { resolve } from 'node:path'
import { createNodeMediaProcessor } from '../../media/processor.ts'
import { fallbackNote, transportFor } from '../../../src/client/blocks.ts'
import { uploadFiles, withOwnLibrary } from '../../../src/client/upload.ts'
import { parseFlags } from '../args.ts'
import { fileJournal } from '../context.ts'
import { CancelledError, QuotaTooSmallError, UsageError } from '../errors.ts'
import { NotFoundInLibraryError } from '../../../src/client/errors.ts'
import { collectFiles, downloadCollection, safeFileName, type LocalFile } from '../files.ts'
import { openLibrary } from '../library.ts'
import { formatBytes, ProgressBar } from '../progress.ts'
import type { NodeApi } from '../../../src/client/api.ts'
import type { CollectionState } from '../../../src/client/collection.ts'
import type { Library } from '../../../src/client/library.ts'
import type { UploadSource } from '../../../src/client/upload.ts'
import { detail, inform, note, refused } from '../output.ts'

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
  const { values, positionals } = parseFlags('upload', args)
  if (positionals.length === 0) throw new UsageError('upload needs at least one file or folder')
  const files = await collectFiles(positionals)
  if (files.length === 0) throw new UsageError('no files found to upload')
  const signal = cancelOnSignal()
  const library = await openLibrary(values.node, signal)
  await refuseOverQuota(library, files, signal)
  const albums: CollectionState[] = []
  for (const album of values.album ?? []) albums.push(await library.ensureAlbum(album))
  // With --folder, each sub-folder of a folder named on the command line becomes a sub-folder of
  // that folder in the library: one upload run per sub-folder (Live Photo halves sit side by side).
  const groups = new Map<string, LocalFile[]>()
  for (const file of files) {
    const key = values.folder != null ? file.folder : ''
    groups.set(key, [...(groups.get(key) ?? []), file])
  }

  const total = files.reduce((sum, f) => sum + f.size, 0)
  const bar = new ProgressBar('upload', total)
  const totals = { uploaded: 0, skipped: 0, live: 0, refused: 0 }
  const folders: CollectionState[] = []
  let finished = 0
  try {
    for (const [sub, group] of groups) {
      const targets = [...albums]
      if (values.folder != null) {
        const folder = await library.ensureFolder(sub === '' ? values.folder : `${values.folder}/${sub}`)
        targets.unshift(folder)
        folders.push(folder)
      }
      const result = await uploadFiles(library, group, {
        targets: withOwnLibrary(library, targets),
        journal: fileJournal(),
        media: createNodeMediaProcessor(),
        mediaOnly: values['any-file'] !== true,
        signal,
        onProgress: (event) => {
          if (event.type === 'obscura:upload:note') {
            bar.finish()
            note(`${event.name}: ${event.note}`)
          }
          if (event.type === 'obscura:upload:refused') {
            bar.finish()
            refused(`${event.name}: ${event.reason}`)
          }
          if (event.type === 'obscura:upload:bytes') bar.update(finished + event.fileBytes, event.name)
          if (event.type === 'obscura:upload:file-done') {
            finished += event.size
            bar.finish()
            detail(`${event.skipped === 'duplicate' ? 'skipped (already uploaded)' : 'uploaded'}  ${event.name}`)
            bar.update(finished)
          }
        }
      })
      totals.uploaded += result.uploaded
      totals.skipped += result.skipped
      totals.live += result.live
      totals.refused += result.refused.length
    }
    bar.finish()
    const top = folders[0] != null ? [folders.length > 1 ? `folder "${values.folder ?? ''}" (${folders.length} folders)` : `folder "${library.folderPath(folders[0])}"`] : []
    const where = [...top, ...albums.map((t) => `album "${t.name ?? ''}"`)].join(' and ')
    const live = totals.live > 0 ? `, ${totals.live} of them Live Photo${totals.live === 1 ? '' : 's'} (still and video as one item)` : ''
    await noteFallback(library.account.api)
    const refusals = totals.refused > 0 ? `; refused ${totals.refused} (not a photo or video, empty or damaged: see above)` : ''
    inform(`Uploaded ${totals.uploaded} file${totals.uploaded === 1 ? '' : 's'}${live} (${formatBytes(total)} read)${where !== '' ? ` to ${where}` : ''}; skipped ${totals.skipped} already uploaded${refusals}.`)
    return totals.refused > 0 ? 1 : 0
  } finally {
    bar.finish()
  }
}

export async function runDownload (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('download', args)
  if (positionals.length !== 1) throw new UsageError('download takes one ALBUM or FOLDER')
  const signal = cancelOnSignal()
  const library = await openLibrary(values.node, signal)
  const collection = library.resolve(positionals[0] as string)
  const unavailable = library.shared.get(collection.id)?.unavailable
  if (unavailable != null) throw new NotFoundInLibraryError(`"${collection.name ?? collection.id}" has not been fetched from its owner's node yet, so nothing can be downloaded (${unavailable.message})`)
  const { failed } = await downloadCollection(library.account.api, collection, resolve(values.out ?? safeFileName(collection.name ?? collection.id)), {
    dedupKey: library.account.keys.dedupKey, signal
  })
  await noteFallback(library.account.api)
  return failed.length > 0 ? 1 : 0
}

/** Says on stderr when direct S3 transfers fell back to the gateway (see fallbackNote). */
async function noteFallback (api: NodeApi): Promise<void> {
  const fallback = fallbackNote(await transportFor(api))
  if (fallback != null) note(fallback)
}
