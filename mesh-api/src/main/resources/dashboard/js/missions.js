// Missions, each with its tasks counted by status. Refreshed every few seconds.
import { get } from './api.js';
import { h, clear, time, badge } from './dom.js';

export const STATUSES = ['pending', 'ready', 'claimed', 'running', 'succeeded', 'failed', 'cancelled'];

export function render(main, ctx) {
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'More missions');
  let cursor = null;
  let rows = [];
  clear(main, 
    h('h1', 'Missions'),
    h('div.scroll', h('table', { 'aria-label': 'Missions and their tasks by status' },
      h('thead', h('tr', h('th', { scope: 'col' }, 'Mission'), h('th', { scope: 'col' }, 'Created'),
        STATUSES.map((s) => h('th.num', { scope: 'col' }, badge(s))))),
      body)),
    more);

  async function load(append) {
    try {
      const page = await get('/work/missions?limit=50' + (append && cursor ? '&cursor=' + cursor : ''));
      rows = append ? rows.concat(page.items) : page.items;
      if (!append) cursor = page.next_cursor;
      else cursor = page.next_cursor;
      more.hidden = !cursor;
      draw();
    } catch (e) { ctx.error(e); }
  }

  function draw() {
    clear(body);
    if (!rows.length) body.append(h('tr', h('td', { colspan: 2 + STATUSES.length }, 'No missions yet.')));
    for (const m of rows) {
      const counts = m.task_counts || {};
      body.append(h('tr', { dataset: { mission: m.id } },
        h('th', { scope: 'row' }, h('a', { href: '#/missions/' + m.id }, m.name)),
        h('td', time(m.created_at)),
        STATUSES.map((s) => h('td.num', { 'aria-label': s + ': ' + (counts[s] || 0) },
          counts[s] ? h('a', { href: '#/missions/' + m.id + '?status=' + s }, String(counts[s])) : '0'))));
    }
  }

  more.addEventListener('click', () => load(true));
  load(false);
  const timer = setInterval(() => { if (!cursor || rows.length <= 50) load(false); }, 5000);
  return () => clearInterval(timer);
}
