/**
 * Client-side routes. The gateway answers every unknown GET with index.html, so each page has a
 * real URL; links are ordinary <a href> (intercepted here, also inside shadow roots) and pages
 * are loaded lazily the first time they are shown. `/s/<token>` is a public link's page, shown with or without an account.
 */

export interface Route {
  /** Custom element name of the page. */
  page: string
  /** Path parameters, e.g. the collection id of /albums/:id. */
  params: Record<string, string>
  /** True for pages shown without an account. */
  open: boolean
}

const PAGES: Array<{ pattern: RegExp, page: string, keys: string[], open?: boolean }> = [
  { pattern: /^\/$/, page: 'photos-page', keys: [] },
  { pattern: /^\/login$/, page: 'login-page', keys: [], open: true },
  { pattern: /^\/signup$/, page: 'signup-page', keys: [], open: true },
  { pattern: /^\/recover$/, page: 'recover-page', keys: [], open: true },
  { pattern: /^\/albums$/, page: 'albums-page', keys: [] },
  { pattern: /^\/albums\/([0-9a-f]{32})$/, page: 'collection-page', keys: ['id'] },
  { pattern: /^\/albums\/shared\/([0-9a-f]{32})$/, page: 'shared-collection-page', keys: ['id'] },
  { pattern: /^\/shared$/, page: 'shared-page', keys: [] },
  { pattern: /^\/folders$/, page: 'folders-page', keys: [] },
  { pattern: /^\/folders\/([0-9a-f]{32})$/, page: 'collection-page', keys: ['id'] },
  { pattern: /^\/favorites$/, page: 'favorites-page', keys: [] },
  { pattern: /^\/archive$/, page: 'archive-page', keys: [] },
  { pattern: /^\/trash$/, page: 'trash-page', keys: [] },
  { pattern: /^\/map$/, page: 'map-page', keys: [] },
  { pattern: /^\/settings$/, page: 'settings-page', keys: [] },
  { pattern: /^\/s\/([A-Za-z0-9_-]{22,64})\/?$/, page: 'link-page', keys: ['token'], open: true }
]

const LOADERS: Record<string, () => Promise<unknown>> = {
  'photos-page': async () => await import('../pages/photos-page.ts'),
  'login-page': async () => await import('../pages/login-page.ts'),
  'signup-page': async () => await import('../pages/signup-page.ts'),
  'recover-page': async () => await import('../pages/recover-page.ts'),
  'albums-page': async () => await import('../pages/albums-page.ts'),
  'folders-page': async () => await import('../pages/folders-page.ts'),
  'collection-page': async () => await import('../pages/collection-page.ts'),
  'shared-collection-page': async () => await import('../pages/shared-collection-page.ts'),
  'shared-page': async () => await import('../pages/shared-page.ts'),
  'favorites-page': async () => await import('../pages/favorites-page.ts'),
  'archive-page': async () => await import('../pages/archive-page.ts'),
  'trash-page': async () => await import('../pages/trash-page.ts'),
  'map-page': async () => await import('../pages/map-page.ts'),
  'settings-page': async () => await import('../pages/settings-page.ts'),
  'link-page': async () => await import('../pages/link-page.ts'),
  'not-found-page': async () => await import('../pages/not-found-page.ts')
}

export function match (path: string): Route {
  for (const { pattern, page, keys, open } of PAGES) {
    const found = pattern.exec(path)
    if (found == null) continue
    return { page, params: Object.fromEntries(keys.map((k, i) => [k, found[i + 1] as string])), open: open === true }
  }
  return { page: 'not-found-page', params: {}, open: true }
}

export async function loadPage (page: string): Promise<void> {
  await LOADERS[page]?.()
}

export function navigate (path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search) return
  if (options.replace === true) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  window.dispatchEvent(new Event('obscura:navigate'))
}

/** Turns same-origin link clicks anywhere (shadow roots included) into client-side navigation. */
export function interceptLinks (): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement)
    if (anchor == null || anchor.target !== '' || anchor.hasAttribute('download') || anchor.origin !== location.origin) return
    event.preventDefault()
    navigate(anchor.pathname + anchor.search)
  })
  window.addEventListener('popstate', () => { window.dispatchEvent(new Event('obscura:navigate')) })
}
