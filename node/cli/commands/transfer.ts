/**
 * `upload` and `download`. Upload reads each photo's and video's metadata and makes its
 * thumbnail and preview (node/media), pairs Live Photo halves into one item, shows a progress
 * bar on a terminal, can be cancelled with Ctrl-C and resumes where it stopped when run again;
 * download verifies every block and writes each original byte-identical under its original name
 * (both files of a Live Photo).
 */
import { resolve } from 'node:path'
import { createNodeMediaProcessor } from '../../media/processor.ts'
import { uploadFiles } from '../../../src/client/upload.ts'
import { parseFlags } from '../args.ts'
import { fileJournal } from '../context.ts'
import { UsageError } from '../errors.ts'
import { collectFiles, downloadCollection, safeFileName } from '../files.ts'
import { openLibrary } from '../library.ts'
import { formatBytes, ProgressBar } from '../progress.ts'
import type { CollectionState } from '../../../src/client/collection.ts'

/** An AbortSignal that fires on the first Ctrl-C or SIGTERM. */
function cancelOnSignal (): AbortSignal {
  const controller = new AbortController()
  const cancel = (): void => { controller.abort(new UsageError('cancelled; run the same command again to resume')) }
  process.once('SIGINT', cancel)
  process.once('SIGTERM', cancel)
  return controller.signal
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
  await downloadCollection(library.account.api, collection, resolve(values.out ?? safeFileName(collection.name ?? collection.id)), signal)
  return 0
}
