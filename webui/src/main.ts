/**
 * Entry point of the web UI: registers the app shell (pages load lazily) and the Service Worker
 * that streams decrypted media.
 */
import './obscura-app.ts'
import { registerMediaWorker } from './worker-client/media.ts'

void registerMediaWorker()
