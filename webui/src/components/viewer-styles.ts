/** Styles of the full-screen viewer (kept apart so that the viewer's file stays about behaviour). */
import { css } from 'lit'

export const viewerStyles = css`
  :host { position: fixed; inset: 0; z-index: 30; }
  .viewer { position: absolute; inset: 0; display: flex; flex-direction: column; background: #000; color: #fff; }
  .body { flex: 1; display: flex; min-height: 0; }
  .stage { flex: 1; position: relative; display: grid; place-items: center; overflow: hidden; outline: none; touch-action: pan-y pinch-zoom; }
  .stage > img, .stage > video { grid-area: 1 / 1; max-width: 100%; max-height: 100%; object-fit: contain; user-select: none; }
  .stage > img { transition: transform .2s ease; cursor: zoom-in; }
  .stage > img.zoomed { transform: scale(2.5); cursor: zoom-out; }
  .stage > img.placeholder { width: 100%; height: 100%; filter: blur(14px); opacity: .55; cursor: default; }
  .stage > video { width: 100%; height: 100%; background: #000; }
  .stage > video.motion { pointer-events: none; }
  .nav { position: absolute; top: 50%; transform: translateY(-50%); color: #fff; background: rgba(0,0,0,.35); width: 3rem; height: 3rem; }
  .nav:hover { background: rgba(0,0,0,.6); }
  .prev { left: .75rem; }
  .next { right: .75rem; }
  .load-original { position: absolute; bottom: 1rem; left: 50%; transform: translateX(-50%); background: rgba(0,0,0,.55); color: #fff; border-color: rgba(255,255,255,.3); }
  .file { grid-area: 1 / 1; text-align: center; padding: 2rem; }
  .file svg { width: 4rem; height: 4rem; }
  .broken { display: none; }
  viewer-info { width: 20rem; flex: none; }
  .spinner { grid-area: 1 / 1; width: 2.5rem; height: 2.5rem; border-radius: 50%; border: 3px solid rgba(255,255,255,.25); border-top-color: #fff; animation: spin 0.9s linear infinite; }
  @keyframes spin { to { transform: rotate(360deg); } }
  @media (max-width: 700px) {
    .body { flex-direction: column; }
    viewer-info { width: auto; max-height: 45vh; }
    .nav { display: none; }
  }
`
