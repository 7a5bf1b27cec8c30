// The authenticated REST API under /work. The token lives in this tab's sessionStorage only and travels
// as a bearer header: never in a URL, never in a cookie.

const KEY = 'workmesh.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function headers(extra) {
  return Object.assign({ Authorization: 'Bearer ' + token.get(), Accept: 'application/json' }, extra || {});
}

async function request(method, path, body, quiet) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    cache: 'no-store', credentials: 'omit', redirect: 'error' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!response.ok) {
    const detail = json && (json.detail || json.title) || (response.status + ' ' + response.statusText);
    if (response.status === 401 && !quiet) window.dispatchEvent(new CustomEvent('workmesh:unauthorized'));
    throw new ApiError(response.status, detail);
  }
  return json;
}

export const get = (path) => request('GET', path);
/** The sign-in check: a refused token is the caller's to report, not a session that ended. */
export const tryToken = () => request('GET', '/work/missions?limit=1', undefined, true);
/** A call whose refusal ends nothing (e.g. probing for an optional service). */
export const probe = (path) => request('GET', path, undefined, true);
export const post = (path, body) => request('POST', path, body === undefined ? {} : body);
/** A POST to another service (the scheduler): its refusal is reported where it happens, not as a sign-out. */
export const postElsewhere = (url) => request('POST', url, {}, true);
export const del = (path) => request('DELETE', path);

/** A query string of the non-empty parameters. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

export { headers as authHeaders };
