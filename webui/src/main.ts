/**
 * Entry point of the web UI: registers the app shell. Pages are loaded lazily by the shell.
 */
import './obscura-app.ts'
