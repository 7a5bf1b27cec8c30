// Per pool: queue depth and oldest ready age over the last hour, as small hand-drawn SVG charts.
import { get } from './api.js';
import { h, clear, duration } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 600;
const H = 120;

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function line(points, max, cls) {
  if (points.length === 1) points = [points[0], points[0]];
  const step = W / Math.max(1, points.length - 1);
  const d = points.map((v, i) => (i ? 'L' : 'M') + (i * step).toFixed(1) + ' ' + (H - 4 - (v / max) * (H - 20)).toFixed(1)).join(' ');
  return s('path', { d, class: cls, fill: 'none' });
}

function chart(pool, samples) {
  const depths = samples.map((x) => x.depth);
  const ages = samples.map((x) => x.oldest_ready_age_seconds);
  const maxDepth = Math.max(1, ...depths);
  const maxAge = Math.max(1, ...ages);
  const last = samples[samples.length - 1];
  const text = 'Pool ' + pool + ': ' + last.depth + ' ready now, the oldest waiting ' + duration(Math.round(last.oldest_ready_age_seconds))
    + '; at most ' + maxDepth + ' ready and ' + duration(Math.round(maxAge)) + ' oldest in the window.';
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': text, class: 'chart',
    preserveAspectRatio: 'none' },
  s('title', {}, text),
  s('line', { x1: 0, y1: H - 4, x2: W, y2: H - 4, class: 'axis' }),
  line(depths, maxDepth, 'depth'), line(ages, maxAge, 'age'));
  return h('figure.pool', { dataset: { pool } },
    h('figcaption', h('strong', pool), ' ', h('span.key.depth', 'ready: ' + last.depth + ' (max ' + maxDepth + ')'), ' ',
      h('span.key.age', 'oldest: ' + duration(Math.round(last.oldest_ready_age_seconds)) + ' (max ' + duration(Math.round(maxAge)) + ')')),
    svg);
}

export function render(main, ctx) {
  const box = h('div.charts');
  const note = h('p.muted');
  clear(main, h('h1', 'Queues'), note, box);

  async function load() {
    try {
      const history = await get('/work/pools/queue-history');
      note.textContent = 'Ready tasks per pool and how long the oldest has waited, sampled every '
        + duration(history.interval_seconds) + ' over the last ' + duration(history.window_seconds) + '.';
      clear(box);
      const pools = Object.entries(history.pools);
      if (!pools.length) box.append(h('p', 'No pool had ready tasks in this window.'));
      for (const [pool, samples] of pools) box.append(chart(pool, samples));
    } catch (e) { ctx.error(e); }
  }

  load();
  const timer = setInterval(load, 15000);
  return () => clearInterval(timer);
}
