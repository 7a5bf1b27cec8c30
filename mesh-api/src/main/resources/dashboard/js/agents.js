// Agents: health, last sign of life, pools, capabilities, runtimes, the claims each holds; revoke.
import { get, del } from './api.js';
import { h, clear, time, badge, shortId } from './dom.js';

export function render(main, ctx) {
  const body = h('tbody');
  const filter = h('select', { id: 'a-status' }, ['', 'connected', 'unhealthy', 'disconnected', 'revoked'].map(
    (s) => h('option', { value: s }, s || 'any but revoked')));
  clear(main, 
    h('h1', 'Agents'),
    h('div.filters', h('label', { for: 'a-status' }, 'Status'), filter),
    h('div.scroll', h('table', { 'aria-label': 'Agents' },
      h('thead', h('tr', ['Agent', 'Health', 'Last sign of life', 'Pools', 'Capabilities', 'Runtimes', 'Claims', ''].map(
        (c) => h('th', { scope: 'col' }, c)))),
      body)));
  filter.addEventListener('change', load);

  async function load() {
    try {
      const [agents, claims] = await Promise.all([
        get('/work/agents' + (filter.value ? '?status=' + filter.value : '')), get('/work/claims')]);
      const held = {};
      for (const c of claims) (held[c.agent_id] = held[c.agent_id] || []).push(c);
      clear(body);
      const shown = filter.value ? agents : agents.filter((a) => a.status !== 'revoked');
      if (!shown.length) body.append(h('tr', h('td', { colspan: 8 }, 'No agents.')));
      for (const a of shown) {
        const mine = held[a.id] || [];
        body.append(h('tr', { dataset: { agent: a.id } },
          h('th', { scope: 'row' }, a.name, h('span.muted.id', ' …' + shortId(a.id))),
          h('td', badge(a.status)), h('td', time(a.last_heartbeat_at)),
          h('td', (a.pools || []).join(', ')), h('td', (a.capabilities || []).join(', ') || '—'),
          h('td', (a.runtimes || []).join(', ') || '—'),
          h('td', mine.length ? h('ul.plain', mine.map((c) => h('li', h('a', { href: '#/tasks/' + c.task_id },
            'task …' + shortId(c.task_id)), ' since ', time(c.claimed_at)))) : '0 of ' + a.max_concurrency),
          h('td', a.status === 'revoked' ? '' : revoke(a))));
      }
    } catch (e) { ctx.error(e); }
  }

  function revoke(agent) {
    const b = h('button.danger', { type: 'button', 'aria-label': 'Revoke agent ' + agent.name }, 'Revoke');
    b.addEventListener('click', async () => {
      const ok = await ctx.confirm('Revoke ' + agent.name + '?',
        'Its token stops working at once and the claims it holds go back to the queue. This cannot be undone.',
        'Revoke agent');
      if (!ok) return;
      try {
        await del('/work/agents/' + agent.id);
        ctx.toast('Agent ' + agent.name + ' revoked.', 'good');
        load();
      } catch (e) { ctx.error(e); }
    });
    return b;
  }

  load();
  const timer = setInterval(load, 5000);
  return () => clearInterval(timer);
}
