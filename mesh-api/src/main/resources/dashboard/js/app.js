// The dashboard shell: sign-in, the hash router, the confirm dialog and the status line.
import { token, tryToken, ApiError } from './api.js';
import { h, clear } from './dom.js';
import * as missions from './missions.js';
import * as tasks from './tasks.js';
import * as task from './task.js';
import * as agents from './agents.js';
import * as pools from './pools.js';
import * as schedules from './schedules.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');
const live = document.getElementById('live');
const toastBox = document.getElementById('toast');
let cleanup = null;

const routes = [
  [/^#\/missions\/([0-9a-f-]{36})$/, (m, q) => tasks.render(main, m[1], q, ctx), 'missions'],
  [/^#\/missions$/, () => missions.render(main, ctx), 'missions'],
  [/^#\/tasks\/([0-9a-f-]{36})$/, (m) => task.render(main, m[1], ctx), 'missions'],
  [/^#\/agents$/, () => agents.render(main, ctx), 'agents'],
  [/^#\/pools$/, () => pools.render(main, ctx), 'pools'],
  [/^#\/schedules$/, () => schedules.render(main, ctx), 'schedules'],
];

export const ctx = {
  /** Shows the question in a modal dialog; resolves true only when the user confirms. */
  confirm(title, text, action) {
    const dialog = document.getElementById('confirm');
    document.getElementById('confirm-title').textContent = title;
    document.getElementById('confirm-text').textContent = text;
    document.getElementById('confirm-yes').textContent = action;
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.showModal();
      document.getElementById('confirm-no').focus();
    });
  },
  toast(message, kind) {
    toastBox.textContent = message;
    toastBox.className = 'show ' + (kind || '');
    clearTimeout(ctx.toastTimer);
    ctx.toastTimer = setTimeout(() => { toastBox.className = ''; }, 6000);
  },
  live(connected) {
    live.textContent = connected === null ? '' : connected ? 'Live' : 'Reconnecting…';
    live.className = 'live ' + (connected ? 'on' : 'off');
  },
  error(e) {
    ctx.toast(e instanceof ApiError ? e.message : 'The mesh-api cannot be reached: ' + e.message, 'bad');
  },
};

function signInView(message) {
  nav.hidden = true;
  signOut.hidden = true;
  ctx.live(null);
  const input = h('input', { id: 'token', type: 'password', name: 'token', autocomplete: 'off',
    required: true, 'aria-describedby': 'token-help', spellcheck: 'false' });
  const error = h('p.error', { id: 'signin-error', role: 'alert' }, message || '');
  const form = h('form.signin', { 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Workmesh'),
    h('label', { for: 'token' }, 'Token'),
    input,
    h('p.muted', { id: 'token-help' },
      'The operator token, or an agent token. It stays in this browser tab only and is sent as a bearer header.'),
    error,
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    token.set(input.value.trim());
    try {
      await tryToken();
      if (!location.hash || location.hash === '#/signin') location.hash = '#/missions';
      else route();
    } catch (e) {
      token.clear();
      error.textContent = e instanceof ApiError && e.status === 401
        ? 'That token is not accepted: use the operator token or a token of a connected agent.'
        : 'Sign-in failed: ' + e.message;
      input.focus();
    }
  });
  clear(main, form);
  input.focus();
}

function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  if (!token.get()) { signInView(); return; }
  nav.hidden = false;
  signOut.hidden = false;
  schedules.showLinkIfReachable(document.getElementById('nav-schedules'));
  const [path, search] = (location.hash || '#/missions').split('?');
  const params = new URLSearchParams(search || '');
  for (const [pattern, view, section] of routes) {
    const m = path.match(pattern);
    if (m) {
      for (const a of nav.querySelectorAll('a')) {
        if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
      ctx.live(null);
      cleanup = view(m, params) || null;
      return;
    }
  }
  location.hash = '#/missions';
}

signOut.addEventListener('click', () => { token.clear(); location.hash = ''; signInView(); });
window.addEventListener('workmesh:unauthorized', () => { token.clear(); signInView('The token is no longer accepted; sign in again.'); });
window.addEventListener('hashchange', route);
route();
