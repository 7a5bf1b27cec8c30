// Schedules, from scheduler-service's /schedules API, called with the same operator token. Where the
// scheduler answers comes from mesh-api (settings.json, mesh-api.dashboard.scheduler-url), whose
// Content-Security-Policy lets the page reach that one origin; without it, the page tries its own origin
// (a reverse proxy in front of both services). The link hides when the scheduler does not answer.
import { get, postElsewhere, probe } from './api.js';
import { h, clear, time, badge } from './dom.js';

let reachable = null;
let base = null;

async function schedulerBase() {
  if (base === null) {
    try { base = (await get('/ui/settings.json')).scheduler_url || ''; } catch (e) { base = ''; }
  }
  return base;
}

async function list() {
  const body = await probe((await schedulerBase()) + '/schedules');
  if (!body || !Array.isArray(body.jobs)) throw new Error('no scheduler here');
  return body;
}

/** Shows the Schedules link once /schedules has answered like scheduler-service. */
export async function showLinkIfReachable(link) {
  if (reachable === null) {
    try { await list(); reachable = true; } catch (e) { reachable = false; }
  }
  link.hidden = !reachable;
}

export function render(main, ctx) {
  const body = h('tbody');
  clear(main, h('h1', 'Schedules'),
    h('div.scroll', h('table', { 'aria-label': 'Scheduled jobs' },
      h('thead', h('tr', ['Job', 'Schedule', 'State', 'Next fire', 'Last fire', ''].map((c) => h('th', { scope: 'col' }, c)))),
      body)));

  async function load() {
    let jobs;
    try { jobs = (await list()).jobs; } catch (e) {
      clear(body, h('tr', h('td', { colspan: 6 }, 'The scheduler does not answer on this address.')));
      return;
    }
    clear(body);
    if (!jobs.length) body.append(h('tr', h('td', { colspan: 6 }, 'No scheduled jobs.')));
    for (const j of jobs) {
      const last = j.last_fire;
      body.append(h('tr', { dataset: { job: j.name } },
        h('th', { scope: 'row' }, j.name), h('td', j.kind === 'interval' ? 'every ' + j.schedule : j.schedule + (j.zone ? ' (' + j.zone + ')' : '')),
        h('td', badge(j.paused ? 'paused' : j.enabled ? 'enabled' : 'disabled')),
        h('td', j.paused ? '—' : time(j.next_fire_at)),
        h('td', last ? [time(last.fired_at || last.scheduled_at), last.error ? h('span.bad', ' ' + last.error) : ''] : '—'),
        h('td', toggle(j))));
    }
  }

  function toggle(job) {
    const action = job.paused ? 'resume' : 'pause';
    const b = h('button', { type: 'button', 'aria-label': (job.paused ? 'Resume ' : 'Pause ') + job.name },
      job.paused ? 'Resume' : 'Pause');
    b.addEventListener('click', async () => {
      const ok = await ctx.confirm((job.paused ? 'Resume ' : 'Pause ') + job.name + '?',
        job.paused ? 'It fires again from its next scheduled time.' : 'It does not fire until it is resumed.',
        job.paused ? 'Resume' : 'Pause');
      if (!ok) return;
      try {
        await postElsewhere((await schedulerBase()) + '/schedules/' + encodeURIComponent(job.name) + '/' + action);
        ctx.toast(job.name + (job.paused ? ' resumed.' : ' paused.'), 'good');
        load();
      } catch (e) { ctx.error(e); }
    });
    return b;
  }

  load();
  const timer = setInterval(load, 10000);
  return () => clearInterval(timer);
}
