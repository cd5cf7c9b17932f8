/**
 * The API key lives in sessionStorage: it survives reloads of this tab but not a closed browser,
 * and is never written to a URL we keep (a `?key=` link is consumed once, then removed).
 */
const STORAGE_KEY = 'tenantry.key';

export function getKey(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function setKey(key: string): void {
  window.sessionStorage.setItem(STORAGE_KEY, key.trim());
}

export function clearKey(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}

/** Takes `?key=` off the current URL (so it is not shared or kept in history) and stores it. */
export function consumeKeyFromUrl(): void {
  const url = new URL(window.location.href);
  const key = url.searchParams.get('key');
  if (!key) return;
  setKey(key);
  url.searchParams.delete('key');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
}
