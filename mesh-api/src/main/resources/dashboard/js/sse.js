// Reads a server-sent event stream with fetch(), because EventSource cannot send an Authorization header.
// Reconnects after a pause, resuming with Last-Event-ID so no event is lost.
import { authHeaders } from './api.js';

export function subscribe(path, onEvent, onState) {
  const controller = new AbortController();
  let lastId = null;
  let stopped = false;

  async function run() {
    while (!stopped) {
      try {
        const extra = { Accept: 'text/event-stream' };
        if (lastId) extra['Last-Event-ID'] = lastId;
        const response = await fetch(path, { headers: authHeaders(extra), signal: controller.signal,
          cache: 'no-store', credentials: 'omit' });
        if (!response.ok || !response.body) throw new Error('stream answered ' + response.status);
        onState(true);
        await read(response.body.getReader());
      } catch (e) {
        if (stopped) return;
      }
      onState(false);
      if (!stopped) await new Promise((r) => setTimeout(r, 2000));
    }
  }

  async function read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = { type: 'message', data: [], id: null };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(buffer[nl] === '\r' ? nl + 2 : nl + 1);
        if (line === '') {
          if (event.data.length) {
            if (event.id) lastId = event.id;
            let data = null;
            try { data = JSON.parse(event.data.join('\n')); } catch (e) { data = event.data.join('\n'); }
            onEvent(event.type, data);
          }
          event = { type: 'message', data: [], id: null };
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') event.data.push(val);
          else if (field === 'event') event.type = val;
          else if (field === 'id') event.id = val;
        }
      }
    }
  }

  run();
  return () => { stopped = true; controller.abort(); };
}
