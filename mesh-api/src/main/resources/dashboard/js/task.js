// One task: its fields, attempts, result and log tail, live while it runs; retry and cancel.
import { get, post } from './api.js';
import { h, clear, time, badge, shortId } from './dom.js';
import { subscribe } from './sse.js';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

export function render(main, taskId, ctx) {
  const head = h('div');
  const actions = h('div.actions', { role: 'group', 'aria-label': 'Task actions' });
  const facts = h('dl.facts');
  const attempts = h('tbody');
  const result = h('pre.result', { tabindex: 0, 'aria-label': 'Result' });
  const log = h('pre.log', { id: 'log', tabindex: 0, 'aria-label': 'Log tail', 'aria-live': 'off' });
  const logState = h('p.muted', { id: 'log-state', role: 'status' });
  let agentNames = {};
  let task = null;
  let stopEvents = null;

  clear(main, 
    h('nav.crumbs', { 'aria-label': 'Breadcrumb' }, h('a', { href: '#/missions' }, 'Missions'), ' / ',
      h('a', { href: '#/missions', id: 'mission-link' }, 'mission'), ' / ', h('span', { 'aria-current': 'page' }, 'task')),
    head, actions, facts,
    h('h2', { id: 'attempts-title' }, 'Attempts'),
    h('div.scroll', h('table', { 'aria-labelledby': 'attempts-title' },
      h('thead', h('tr', ['#', 'Agent', 'Claimed', 'Started', 'Finished', 'Outcome', 'Exit', 'Usage'].map(
        (c) => h('th', { scope: 'col' }, c)))),
      attempts)),
    h('h2', 'Result'), result,
    h('h2', { id: 'log-title' }, 'Log'), logState, log);

  async function loadAgents() {
    try {
      for (const a of await get('/work/agents')) agentNames[a.id] = a.name;
    } catch (e) { /* names are a nicety; ids still show */ }
  }

  async function load() {
    try {
      task = await get('/work/tasks/' + taskId);
    } catch (e) { ctx.error(e); return; }
    document.getElementById('mission-link').setAttribute('href', '#/missions/' + task.mission_id);
    clear(head, h('h1', task.title), h('p', badge(task.status), ' ',
      h('span.muted', 'task ', h('code', task.id))));
    if (!stopEvents) {
      stopEvents = subscribe('/work/missions/' + task.mission_id + '/events', (type, e) => {
        if (e && e.task_id === taskId) { load(); loadLog(); }
      }, ctx.live);
    }
    drawActions();
    clear(facts, 
      fact('Pool', task.pool), fact('Runtime', task.runtime || '—'), fact('Policy', task.claim_policy),
      fact('Priority', String(task.priority)), fact('Attempt', task.attempt + ' of ' + task.max_attempts),
      fact('Submitted', time(task.created_at)), fact('Submitted by', task.submitted_by || '—'),
      fact('Finished', time(task.finished_at)),
      task.waiting_reason ? fact('Waiting', task.waiting_reason.message) : null,
      task.error ? fact('Error', h('span.bad', task.error)) : null,
      task.usage ? fact('Usage', usage(task.usage)) : null);
    clear(attempts);
    if (!task.attempts || !task.attempts.length) attempts.append(h('tr', h('td', { colspan: 8 }, 'Not claimed yet.')));
    for (const a of task.attempts || []) {
      attempts.append(h('tr', { dataset: { attempt: a.id } },
        h('td', String(a.number)), h('td', agentNames[a.agent_id] || shortId(a.agent_id)),
        h('td', time(a.claimed_at)), h('td', time(a.started_at)), h('td', time(a.finished_at)),
        h('td', a.outcome ? badge(a.outcome) : h('span.muted', 'running')),
        h('td.num', a.exit_code === null || a.exit_code === undefined ? '—' : String(a.exit_code)),
        h('td', a.usage ? usage(a.usage) : '—')));
    }
    result.textContent = task.result === null || task.result === undefined ? '(none yet)'
      : typeof task.result === 'string' ? task.result : JSON.stringify(task.result, null, 2);
  }

  function fact(name, value) {
    return [h('dt', name), h('dd', value)];
  }

  function usage(u) {
    const tokens = (u.input_tokens || 0) + (u.output_tokens || 0);
    const cost = u.cost_usd !== null && u.cost_usd !== undefined ? ', $' + Number(u.cost_usd).toFixed(4) : '';
    return (u.model ? u.model + ': ' : '') + tokens + ' tokens' + cost;
  }

  function drawActions() {
    clear(actions);
    if (task.status === 'failed' || task.status === 'cancelled') {
      actions.append(button('Retry', 'Retry this task?',
        'It gets a fresh budget of ' + task.max_attempts + (task.max_attempts === 1 ? ' attempt' : ' attempts') + ' and goes back to the queue.', 'Retry',
        () => post('/work/tasks/' + taskId + '/retry')));
    }
    if (!TERMINAL.includes(task.status)) {
      actions.append(button('Cancel', 'Cancel this task?',
        'A running attempt is stopped; the task ends cancelled (it can be retried later).', 'Cancel task',
        () => post('/work/tasks/' + taskId + '/cancel')));
    }
  }

  function button(label, question, text, confirmLabel, call) {
    const b = h('button', { type: 'button', class: label === 'Cancel' ? 'danger' : '' }, label);
    b.addEventListener('click', async () => {
      if (!(await ctx.confirm(question, text, confirmLabel))) return;
      try {
        await call();
        ctx.toast(label === 'Retry' ? 'Task sent back to the queue.' : 'Cancellation requested.', 'good');
        await load();
      } catch (e) { ctx.error(e); }
    });
    return b;
  }

  async function loadLog() {
    try {
      const l = await get('/work/tasks/' + taskId + '/log');
      log.textContent = l.log_tail || '';
      logState.textContent = !l.attempt_id ? 'No attempt yet.'
        : (l.running ? 'Attempt ' + l.attempt_number + ' is running: the log follows its heartbeats.'
          : 'Attempt ' + l.attempt_number + ' ended.') + (l.log_tail ? '' : ' No output reached the mesh yet.');
      log.scrollTop = log.scrollHeight;
      return l.running;
    } catch (e) { ctx.error(e); return false; }
  }

  loadAgents().then(load);
  loadLog();
  const timer = setInterval(() => {
    if (task && !TERMINAL.includes(task.status)) { loadLog(); }
  }, 2000);
  return () => { clearInterval(timer); if (stopEvents) stopEvents(); };
}
