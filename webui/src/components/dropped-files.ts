/**
 * Gathering files to upload from what the browser hands over: a file input (with or without
 * `webkitdirectory`, whose files carry their relative path) or a drop, whose folders are walked
 * through the File System entries API. Each file keeps its path so that dropped folders can be
 * recreated as folders in the library.
 */
import type { UploadFile } from '../worker/protocol.ts'

export function filesFromInput (input: HTMLInputElement): UploadFile[] {
  return [...(input.files ?? [])].filter((file) => !file.name.startsWith('.'))
    .map((file) => ({ file, path: file.webkitRelativePath !== '' ? file.webkitRelativePath : file.name }))
}

function readEntries (reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => { reader.readEntries(resolve, reject) })
}

async function walk (entry: FileSystemEntry, out: UploadFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => { (entry as FileSystemFileEntry).file(resolve, reject) })
    out.push({ file, path: entry.fullPath.replace(/^\//, '') })
    return
  }
  if (!entry.isDirectory) return
  const reader = (entry as FileSystemDirectoryEntry).createReader()
  // readEntries answers in batches (100 in Chromium) until it returns an empty one.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walk(child, out)
  }
}

export async function filesFromDrop (data: DataTransfer): Promise<UploadFile[]> {
  const entries = [...data.items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e != null)
  if (entries.length === 0) return [...data.files].map((file) => ({ file, path: file.name }))
  const out: UploadFile[] = []
  for (const entry of entries) await walk(entry, out)
  return out.filter((f) => !f.file.name.startsWith('.'))
}
