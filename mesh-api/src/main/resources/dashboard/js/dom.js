// Builds DOM nodes from data. Text always goes in as text nodes, never as markup: task titles, logs and
// errors come from agents and must not become HTML.

/** h('tag.class', {attr: value, onclick: fn}, child, 'text', [children]) */
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Empties the element, then appends the children (arrays flattened, text as text nodes). */
export function clear(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
  return el;
}

/** "3 s ago", "5 min ago", or the date. */
export function ago(iso) {
  if (!iso) return '—';
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 0) return 'in ' + duration(-seconds);
  return duration(seconds) + ' ago';
}

export function duration(seconds) {
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min';
  if (seconds < 86400) return (seconds / 3600).toFixed(1) + ' h';
  return Math.round(seconds / 86400) + ' d';
}

/** A timestamp as a <time> element: relative text, the exact instant as its title. */
export function time(iso) {
  if (!iso) return h('span.muted', '—');
  return h('time', { datetime: iso, title: new Date(iso).toLocaleString() }, ago(iso));
}

export function badge(status) {
  return h('span.badge.s-' + String(status).replace(/[^a-z_]/g, ''), status);
}

export function shortId(id) {
  return id ? String(id).slice(-8) : '—';
}
