// Progressive enhancement only: every page works without it (times then show in UTC).
(function () {
  'use strict';
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

  function localTimes(root) {
    root.querySelectorAll('time[datetime]').forEach(t => {
      const d = new Date(t.getAttribute('datetime'));
      if (isNaN(d)) return;
      t.title = t.getAttribute('datetime');
      if (!t.hasAttribute('data-countdown')) t.textContent = fmt.format(d);
    });
  }

  function countdowns(root) {
    const now = Date.now();
    root.querySelectorAll('time[data-countdown]').forEach(t => {
      const d = new Date(t.getAttribute('datetime'));
      if (isNaN(d)) return;
      const s = Math.round((d.getTime() - now) / 1000);
      const abs = Math.abs(s);
      const h = Math.floor(abs / 3600), m = Math.floor((abs % 3600) / 60), sec = abs % 60;
      const span = (h ? h + ' h ' : '') + (h || m ? m + ' min ' : '') + (h ? '' : sec + ' s');
      t.textContent = fmt.format(d) + (s >= 0 ? ' (in ' + span.trim() + ')' : ' (overdue by ' + span.trim() + ')');
      t.classList.toggle('overdue', s < 0);
      t.classList.toggle('soon', s >= 0 && s < 300);
    });
  }

  function liveQueue() {
    const table = document.querySelector('[data-live-queue]');
    if (!table || !window.EventSource) return;
    const rows = document.getElementById('queue-rows');
    const live = document.getElementById('queue-live');
    const events = new EventSource('/queue/events');
    let first = true;
    events.onmessage = async () => {
      if (first) { first = false; return; } // the first event describes the queue as loaded
      const before = new Set([...rows.querySelectorAll('tr[data-task]')].map(r => r.dataset.task));
      const res = await fetch('/queue/rows', { credentials: 'same-origin' });
      if (!res.ok) return;
      rows.innerHTML = await res.text();
      localTimes(rows); countdowns(rows);
      const added = [...rows.querySelectorAll('tr[data-task]')].filter(r => !before.has(r.dataset.task)).length;
      if (added) live.textContent = added + (added === 1 ? ' new escalation' : ' new escalations') + ' in your queue';
    };
  }

  function localInstantInputs() {
    document.querySelectorAll('input[data-local-instant]').forEach(input => {
      const hidden = input.parentElement.querySelector('input[type=hidden]');
      if (hidden && hidden.value) {
        const d = new Date(hidden.value);
        if (!isNaN(d)) input.value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
      }
      input.addEventListener('change', () => { hidden.value = input.value ? new Date(input.value).toISOString() : ''; });
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('[data-tz]').forEach(e => { e.textContent = Intl.DateTimeFormat().resolvedOptions().timeZone; });
    localTimes(document); countdowns(document);
    setInterval(() => countdowns(document), 1000);
    liveQueue();
    localInstantInputs();
  });
})();
