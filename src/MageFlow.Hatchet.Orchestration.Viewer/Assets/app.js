'use strict';
// The MageFlow viewer: a list of recent flows and a flow's tree, polled for changes. Plain DOM, no dependencies, so the
// page works offline from the assembly's resources. Every element a test or a user needs carries data- attributes.
(() => {
  const state = { config: null, expanded: new Map(), selected: null, listOffset: 0, timer: null, busy: false, message: '' };
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  async function api(path, init) {
    const response = await fetch('api/' + path, init);
    if (response.status === 204) return null;
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    return body;
  }

  const time = (t) => (t ? new Date(t).toLocaleTimeString() : '');
  function duration(from, to) {
    if (!from) return '';
    const ms = (to ? new Date(to) : new Date()) - new Date(from);
    return ms < 1000 ? ms + ' ms' : ms < 60000 ? (ms / 1000).toFixed(1) + ' s' : Math.round(ms / 60000) + ' min';
  }

  function bar(p) {
    if (!p) return el('span', { class: 'counts' }, '');
    const total = Math.max(p.total, 1);
    const part = (cls, n) => el('span', { class: cls, style: `width:${(100 * n) / total}%`, title: `${n} ${cls}` });
    return el('span', { class: 'progress', 'data-total': p.total, 'data-done': p.done, 'data-failed': p.failed, 'data-running': p.running, 'data-queued': p.queued, 'data-canceled': p.canceled },
      el('span', { class: 'bar' }, part('done', p.done), part('failed', p.failed), part('canceled', p.canceled), part('running', p.running), part('queued', p.queued)),
      el('span', { class: 'counts' }, `${p.done + p.failed + p.canceled}/${p.total}` + (p.failed ? ` · ${p.failed} failed` : '') + (p.running ? ` · ${p.running} running` : '') + (p.queued ? ` · ${p.queued} queued` : '')));
  }

  const badge = (status) => el('span', { class: 'badge s-' + status }, status);

  // ---- the list of flows
  async function renderList() {
    const name = $('filter-name').value.trim();
    const status = $('filter-status').value;
    const query = new URLSearchParams({ offset: state.listOffset, limit: 50 });
    if (name) query.set('name', name);
    if (status) query.set('status', status);
    const page = await api('flows?' + query);
    const body = $('flows').tBodies[0];
    body.replaceChildren(...page.items.map((f) => el('tr', { 'data-flow-id': f.id, 'data-status': f.status, onclick: () => { location.hash = '#/flow/' + encodeURIComponent(f.id); } },
      el('td', { class: 'name' }, f.name), el('td', {}, el('span', { class: 'kind' }, f.kind)), el('td', {}, badge(f.status)),
      el('td', {}, bar(f.progress)), el('td', {}, time(f.startedAt || f.createdAt)), el('td', {}, time(f.finishedAt)))));
    if (page.items.length === 0) body.append(el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No flows yet.')));
    $('flows-pager').replaceChildren(
      el('button', { disabled: state.listOffset === 0, onclick: () => { state.listOffset = Math.max(0, state.listOffset - 50); refresh(); } }, 'Newer'),
      el('span', {}, page.items.length ? `${page.offset + 1}–${page.offset + page.items.length} of ${page.total}` : ''),
      el('button', { disabled: !page.hasMore, onclick: () => { state.listOffset += 50; refresh(); } }, 'Older'));
  }

  // ---- a flow's tree: expanded nodes are fetched each poll, with the page of children they show
  async function fetchExpanded() {
    const ids = [...state.expanded.keys()];
    const nodes = await Promise.all(ids.map((id) => api(`nodes/${encodeURIComponent(id)}?offset=${state.expanded.get(id)}&limit=${state.config.pageSize}`).catch(() => null)));
    const byId = new Map();
    ids.forEach((id, i) => { if (nodes[i]) byId.set(id, nodes[i].node); });
    return byId;
  }

  function renderNode(summary, byId, role) {
    const expandable = summary.kind !== 'task';
    const open = expandable && state.expanded.has(summary.id);
    const full = open ? byId.get(summary.id) : null;
    const node = el('div', { class: 'node' + (state.selected === summary.id ? ' selected' : ''), 'data-node-id': summary.id, 'data-status': summary.status, 'data-kind': summary.kind, 'data-role': role });
    node.append(el('div', { class: 'row', onclick: () => select(summary.id) },
      el('span', { class: 'toggle', onclick: (e) => { e.stopPropagation(); if (expandable) toggle(summary.id); } }, expandable ? (open ? '▾' : '▸') : '·'),
      el('span', { class: 'kind' }, summary.kind), el('span', { class: 'name' }, summary.name), badge(summary.status),
      summary.progress ? bar(summary.progress) : null,
      el('span', { class: 'time' }, summary.startedAt ? `${time(summary.startedAt)} · ${duration(summary.startedAt, summary.finishedAt)}` : time(summary.createdAt))));
    // Callback edges first, so that they show above a long list of children.
    const source = byId.get(summary.id);
    if (source) {
      for (const [list, cls, label] of [[source.successCallbacks, 'success', 'on success →'], [source.errorCallbacks, 'error', 'on error →']]) {
        if (!list || list.length === 0) continue;
        node.append(el('div', { class: 'children edges' }, el('div', { class: 'edge ' + cls, 'data-edge': cls, 'data-from': summary.id }, label),
          ...list.map((c) => renderNode(c, byId, 'callback-' + cls))));
      }
    }
    if (full) {
      const kids = full.children;
      const children = el('div', { class: 'children', 'data-children-of': summary.id, 'data-total': kids.total });
      if (kids.total > kids.items.length || kids.offset > 0) children.append(pager(summary.id, kids));
      children.append(...kids.items.map((c) => renderNode(c, byId, 'child')));
      node.append(children);
    }
    return node;
  }

  function pager(id, page) {
    const size = state.config.pageSize;
    const go = (offset) => { state.expanded.set(id, Math.max(0, offset)); refresh(); };
    return el('div', { class: 'pager', 'data-pager-of': id },
      el('button', { disabled: page.offset === 0, onclick: () => go(page.offset - size) }, '‹ Prev'),
      el('span', {}, `${page.offset + 1}–${page.offset + page.items.length} of ${page.total}`),
      el('button', { disabled: !page.hasMore, onclick: () => go(page.offset + size) }, 'Next ›'));
  }

  function toggle(id) {
    if (state.expanded.has(id)) state.expanded.delete(id); else state.expanded.set(id, 0);
    refresh();
  }

  async function renderFlow() {
    if (!state.expanded.has(state.flow)) state.expanded.set(state.flow, 0);
    const byId = await fetchExpanded();
    const root = byId.get(state.flow);
    const tree = $('tree');
    if (!root) {
      tree.replaceChildren(el('div', { class: 'empty' }, 'This flow does not exist, or has expired. ', el('a', { href: '#/' }, 'Back to the list')));
      return;
    }
    tree.replaceChildren(el('div', { class: 'pager' }, el('a', { href: '#/' }, '← All flows')), renderNode(root.summary, byId, 'flow'));
    // When the page first drew a flow, from the navigation's start: the figure for "time to the first screen".
    if (!document.body.dataset.firstFlowRenderMs) document.body.dataset.firstFlowRenderMs = String(Math.round(performance.now()));
  }

  // ---- the detail panel
  function select(id) { state.selected = id; state.message = ''; refresh(); }

  async function renderDetail() {
    const aside = $('detail');
    if (!state.selected) { aside.hidden = true; return; }
    let data;
    try { data = await api(`nodes/${encodeURIComponent(state.selected)}?limit=0&engine=true`); } catch (e) { aside.hidden = false; aside.replaceChildren(el('div', { class: 'empty' }, e.message)); return; }
    const n = data.node; const s = n.summary;
    const run = s.runId ? (data.runUrl ? el('a', { href: data.runUrl, target: '_blank', rel: 'noopener' }, s.runId) : s.runId) : '—';
    const rows = [['Kind', s.kind], ['Status', badge(s.status)], ['Body', s.bodyStatus ? badge(s.bodyStatus) : null], ['Id', s.id], ['Run', run],
      ['Container', n.containerId && el('a', { href: location.hash, onclick: (e) => { e.preventDefault(); select(n.containerId); } }, n.containerId)], ['Created', s.createdAt && new Date(s.createdAt).toLocaleString()], ['Started', s.startedAt && new Date(s.startedAt).toLocaleString()],
      ['Finished', s.finishedAt && new Date(s.finishedAt).toLocaleString()], ['Took', s.startedAt && duration(s.startedAt, s.finishedAt)],
      ['Attempts', data.engine && data.engine.tasks && data.engine.tasks.map((t) => `${t.taskName}: ${t.retryCount + 1} (${t.status})`).join(', ')],
      ['Engine', data.engine && data.engine.error],
      ['Children', s.progress && `${s.progress.total} (${s.progress.done} done, ${s.progress.failed} failed, ${s.progress.running} running, ${s.progress.queued} queued, ${s.progress.canceled} canceled)`]];
    const section = (label, value) => (value ? [el('h3', {}, label), el('pre', { 'data-field': label.toLowerCase() }, value)] : []);
    const actions = state.config.actionsEnabled ? el('div', { class: 'actions' }, ...['suspend', 'interrupt', 'resume', 'cancel', 'retry'].map((a) =>
      el('button', { class: a === 'cancel' ? 'danger' : '', 'data-action': a, onclick: () => act(a, s.id) }, a[0].toUpperCase() + a.slice(1)))) : null;
    aside.hidden = false;
    const parts = [el('h2', {}, s.name), el('dl', {}, ...rows.filter(([, v]) => v).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
      ...section('Input', n.input), ...section('Result', n.result), ...section('Error', n.error), n.truncated ? el('div', { class: 'counts' }, 'Values cut at the size limit.') : null,
      actions, state.message ? el('div', { class: 'message', 'data-message': true }, state.message) : null];
    aside.replaceChildren(...parts.filter((p) => p));
  }

  async function act(action, id) {
    try { await api(`nodes/${encodeURIComponent(id)}/${action}`, { method: 'POST' }); state.message = ''; } catch (e) { state.message = e.message; }
    refresh();
  }

  // ---- routing and polling
  function route() {
    const m = location.hash.match(/^#\/flow\/(.+)$/);
    state.flow = m ? decodeURIComponent(m[1]) : null;
    state.expanded.clear();
    state.selected = null;
    $('list-view').hidden = !!state.flow;
    $('flow-view').hidden = !state.flow;
    refresh();
  }

  async function refresh() {
    if (state.busy) { state.again = true; return; }
    state.busy = true;
    try {
      await (state.flow ? renderFlow() : renderList());
      await renderDetail();
      $('live').classList.remove('stale');
      document.body.dataset.updatedAt = String(Date.now());
    } catch (e) {
      $('live').classList.add('stale');
      $('live').title = e.message;
    } finally {
      state.busy = false;
      if (state.again) { state.again = false; refresh(); }
    }
  }

  async function start() {
    state.config = await api('config');
    $('filters').addEventListener('input', () => { state.listOffset = 0; refresh(); });
    $('filters').addEventListener('submit', (e) => e.preventDefault());
    window.addEventListener('hashchange', route);
    route();
    setInterval(refresh, state.config.pollMs);
  }

  start();
})();
