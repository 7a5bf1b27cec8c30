// One mission's tasks, newest first, filterable by status, pool and runtime, paged; kept live by the
// mission's event stream.
import { get, query } from './api.js';
import { h, clear, time, badge, shortId } from './dom.js';
import { subscribe } from './sse.js';
import { STATUSES } from './missions.js';

const PAGE = 25;

export function render(main, missionId, params, ctx) {
  const filters = { status: params.get('status') || '', pool: params.get('pool') || '',
    runtime: params.get('runtime') || '' };
  const title = h('h1', 'Mission');
  const summary = h('p.counts', { 'aria-label': 'Tasks by status' });
  const body = h('tbody', { 'aria-live': 'polite', 'aria-busy': 'false' });
  const pager = h('div.pager');
  const cursors = [null];
  let pageIndex = 0;

  const status = h('select', { id: 'f-status', name: 'status' }, h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s, selected: s === filters.status }, s)));
  const pool = h('input', { id: 'f-pool', name: 'pool', value: filters.pool, placeholder: 'any', size: 12,
    autocomplete: 'off' });
  const runtime = h('input', { id: 'f-runtime', name: 'runtime', value: filters.runtime, placeholder: 'any',
    size: 12, autocomplete: 'off' });
  const form = h('form.filters', { role: 'search', 'aria-label': 'Filter tasks' },
    h('label', { for: 'f-status' }, 'Status'), status,
    h('label', { for: 'f-pool' }, 'Pool'), pool,
    h('label', { for: 'f-runtime' }, 'Runtime'), runtime,
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/missions/' + missionId + query({ status: status.value, pool: pool.value.trim(),
      runtime: runtime.value.trim() });
  });
  status.addEventListener('change', () => form.requestSubmit());

  clear(main, 
    h('nav.crumbs', { 'aria-label': 'Breadcrumb' }, h('a', { href: '#/missions' }, 'Missions'), ' / ',
      h('span', { 'aria-current': 'page' }, 'tasks')),
    title, summary, form,
    h('div.scroll', h('table', { 'aria-label': 'Tasks, newest first' },
      h('thead', h('tr', ['Task', 'Status', 'Pool', 'Runtime', 'Attempt', 'Submitted', 'Updated'].map(
        (c) => h('th', { scope: 'col' }, c)))),
      body)),
    pager);

  async function loadMission() {
    try {
      const m = await get('/work/missions/' + missionId);
      title.textContent = m.name;
      clear(summary, STATUSES.map((s) => h('span.count', badge(s), ' ', String(m.task_counts[s] || 0))));
    } catch (e) { ctx.error(e); }
  }

  async function loadTasks() {
    body.setAttribute('aria-busy', 'true');
    try {
      const page = await get('/work/missions/' + missionId + '/tasks' + query({ order: 'newest', limit: PAGE,
        status: filters.status, pool: filters.pool, runtime: filters.runtime, cursor: cursors[pageIndex] }));
      cursors[pageIndex + 1] = page.next_cursor;
      clear(body);
      if (!page.items.length) body.append(h('tr', h('td', { colspan: 7 }, 'No tasks match.')));
      for (const t of page.items) {
        body.append(h('tr', { dataset: { task: t.id, status: t.status } },
          h('th', { scope: 'row' }, h('a', { href: '#/tasks/' + t.id, title: t.id }, t.title),
            h('span.muted.id', ' …' + shortId(t.id))),
          h('td', badge(t.status)), h('td', t.pool), h('td', t.runtime || '—'),
          h('td.num', t.attempt + ' / ' + t.max_attempts), h('td', time(t.created_at)), h('td', time(t.updated_at))));
      }
      drawPager(Boolean(page.next_cursor));
    } catch (e) { ctx.error(e); }
    body.setAttribute('aria-busy', 'false');
  }

  function drawPager(hasNext) {
    const prev = h('button', { type: 'button', disabled: pageIndex === 0 }, 'Newer');
    const next = h('button', { type: 'button', disabled: !hasNext }, 'Older');
    prev.addEventListener('click', () => { pageIndex--; loadTasks(); });
    next.addEventListener('click', () => { pageIndex++; loadTasks(); });
    clear(pager, prev, h('span', 'Page ' + (pageIndex + 1)), next);
  }

  let pending = null;
  function refreshSoon() {
    if (pending) return;
    pending = setTimeout(() => { pending = null; loadMission(); loadTasks(); }, 300);
  }

  loadMission();
  loadTasks();
  const stop = subscribe('/work/missions/' + missionId + '/events', refreshSoon, (on) => {
    ctx.live(on);
    if (on) refreshSoon();
  });
  return () => { stop(); clearTimeout(pending); };
}
