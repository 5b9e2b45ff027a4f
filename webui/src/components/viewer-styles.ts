/**
 * Styles of the full-screen viewer (kept apart so that the viewer's file stays about behaviour).
 * The picture fills the stage box and is fitted inside it (object-fit: contain), so it never
 * draws larger than the window; the thumbnail placeholder lies beneath it and takes no pointer.
 */
import { css } from 'lit'

export const viewerStyles = css`
  :host { position: fixed; inset: 0; z-index: 30; }
  .viewer { position: absolute; inset: 0; display: flex; flex-direction: column; background: #000; color: #fff; }
  .body { flex: 1; display: flex; min-height: 0; }
  .stage { flex: 1; position: relative; display: grid; place-items: center; overflow: hidden; outline: none; touch-action: none; min-width: 0; }
  .stage > .picture, .stage > .placeholder, .stage > video.motion {
    position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; user-select: none; -webkit-user-drag: none; }
  .stage > .placeholder { z-index: 0; filter: blur(8px); pointer-events: none; }
  .stage > .picture { z-index: 1; }
  .stage > img.picture { cursor: zoom-in; transition: transform .15s ease-out; transform-origin: 50% 50%; will-change: transform; }
  .stage > img.picture.zoomed { cursor: grab; }
  .stage > img.picture.dragging { transition: none; }
  .stage > img.picture.zoomed.dragging { cursor: grabbing; }
  .stage > video.picture { background: transparent; }
  .stage > video.motion { z-index: 2; pointer-events: none; transform-origin: 50% 50%; }
  .nav { position: absolute; z-index: 3; top: 50%; transform: translateY(-50%); color: #fff; background: rgba(0,0,0,.35); width: 3rem; height: 3rem; }
  .nav:hover { background: rgba(0,0,0,.6); }
  .prev { left: .75rem; }
  .next { right: .75rem; }
  .load-original { position: absolute; z-index: 3; bottom: 1rem; left: 50%; transform: translateX(-50%); background: rgba(0,0,0,.55); color: #fff; border-color: rgba(255,255,255,.3); }
  .controls { position: absolute; z-index: 3; top: .75rem; right: .75rem; display: flex; align-items: center; gap: .25rem;
    background: rgba(0,0,0,.45); border-radius: 999px; padding: .15rem .35rem; font-size: .85rem; }
  .controls button.icon { color: #fff; font-size: 1.1rem; font-weight: 600; }
  .controls button.icon:hover { background: rgba(255,255,255,.15); }
  .controls .scale { min-width: 3.2em; text-align: center; font-variant-numeric: tabular-nums; }
  .controls button.live { min-height: 1.9rem; padding: .2rem .6rem; font-size: .75rem; font-weight: 700; letter-spacing: .06em;
    color: #fff; background: transparent; border-color: rgba(255,255,255,.5); }
  .controls button.live[aria-pressed="true"] { background: #fff; color: #000; }
  .help { position: absolute; z-index: 4; top: 50%; left: 50%; transform: translate(-50%, -50%); background: rgba(20,20,20,.92);
    border-radius: 12px; padding: 1.2rem 1.5rem; min-width: 16rem; }
  .help h2 { margin-bottom: .8rem; }
  .help dl { display: grid; grid-template-columns: auto 1fr; gap: .4rem 1rem; margin: 0; }
  .help dd { margin: 0; }
  kbd { font: inherit; font-size: .8rem; border: 1px solid rgba(255,255,255,.4); border-radius: 4px; padding: .05rem .35rem; }
  .file { grid-area: 1 / 1; text-align: center; padding: 2rem; z-index: 1; }
  .file svg { width: 4rem; height: 4rem; }
  .broken { display: none; }
  viewer-info { width: 20rem; flex: none; }
  .spinner { grid-area: 1 / 1; z-index: 1; width: 2.5rem; height: 2.5rem; border-radius: 50%; border: 3px solid rgba(255,255,255,.25); border-top-color: #fff; animation: spin 0.9s linear infinite; }
  @keyframes spin { to { transform: rotate(360deg); } }
  @media (max-width: 700px) {
    .body { flex-direction: column; }
    .stage { min-height: 0; }
    viewer-info { width: auto; max-height: 45vh; }
    .nav { display: none; }
  }
`
