/**
 * Styles shared by the components: buttons, fields, headings and the visually-hidden helper.
 * Colours come from custom properties set on :root in index.html (light and dark).
 */
import { css } from 'lit'

export const shared = css`
  :host { box-sizing: border-box; }
  *, *::before, *::after { box-sizing: inherit; }
  button, .button {
    font: inherit; display: inline-flex; align-items: center; justify-content: center; gap: .4rem;
    padding: .5rem .9rem; border-radius: 999px; border: 1px solid var(--line); background: var(--bg-raised);
    color: var(--fg); cursor: pointer; text-decoration: none; white-space: nowrap; min-height: 2.25rem;
  }
  button:hover, .button:hover { background: var(--bg-soft); }
  button.primary, .button.primary { background: var(--accent); color: var(--accent-fg); border-color: transparent; font-weight: 600; }
  button.primary:hover { filter: brightness(1.08); }
  button.danger { color: var(--danger); }
  button.icon { padding: .4rem; border: none; background: transparent; min-width: 2.25rem; border-radius: 50%; }
  button.icon:hover { background: var(--bg-soft); }
  button:disabled { opacity: .5; cursor: default; }
  :focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
  input, select {
    font: inherit; padding: .6rem .75rem; border-radius: 10px; border: 1px solid var(--line);
    background: var(--bg-raised); color: var(--fg); width: 100%;
  }
  label { display: grid; gap: .3rem; font-weight: 500; }
  h1 { font-size: 1.5rem; margin: 0; font-weight: 650; letter-spacing: -.01em; }
  h2 { font-size: 1.1rem; margin: 0; font-weight: 600; }
  .muted { color: var(--fg-soft); }
  .error { color: var(--danger); }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .page-head { display: flex; align-items: center; gap: .75rem; padding: 1rem 1.25rem .5rem; flex-wrap: wrap; }
  .page-head .spacer { flex: 1; }
`
