/** Styles shared by the login and signup pages: a centred card. */
import { css } from 'lit'

export const authStyles = css`
  :host { display: grid; place-items: center; min-height: 100%; padding: 1.5rem; background: var(--bg-soft); overflow: auto; }
  .card { width: min(24rem, 100%); background: var(--bg-raised); border-radius: 18px; box-shadow: var(--shadow); padding: 2rem 1.75rem; display: grid; gap: 1rem; }
  .brand { display: flex; align-items: center; gap: .6rem; font-weight: 700; font-size: 1.3rem; }
  .brand i { width: 1.6rem; height: 1.6rem; border-radius: 50%; background: radial-gradient(circle, #fff 0 28%, var(--accent) 30%); display: inline-block; }
  form { display: grid; gap: .9rem; }
  button[type=submit] { width: 100%; padding: .7rem; }
  .alert { background: #fdecec; color: var(--danger); padding: .6rem .8rem; border-radius: 10px; }
  .phase { display: flex; align-items: center; gap: .6rem; color: var(--fg-soft); font-size: .9rem; }
  .phase progress { flex: 1; height: 4px; }
  .hint { font-size: .85rem; color: var(--fg-soft); margin: 0; }
  .key { font-family: ui-monospace, monospace; font-size: 1rem; background: var(--bg-soft); padding: .8rem; border-radius: 10px; word-break: break-all; user-select: all; }
  a { color: var(--accent); }
`
