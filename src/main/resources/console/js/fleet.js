// The fleet in numbers, computed from the list APIs: tenants by status, operations per hour over the
// last 24 hours, and what failed in that time.
import {all, path} from './api.js';
import {h, replace} from './dom.js';
import {bars, columns} from './charts.js';
import {STATUSES, errorBox} from './ui.js';

const HOURS = 24;

export async function fleetPage(view, page) {
  const body = h('div', {id: 'fleet'}, h('p', {class: 'muted'}, 'Counting…'));
  replace(view, h('section', {class: 'card'}, h('div', {class: 'card-head'}, h('h1', {}, 'Fleet')), body));
  const since = Date.now() - HOURS * 3600 * 1000;
  try {
    const [tenants, operations] = await Promise.all([
      all(path.tenants, {}, {maxPages: 50}),
      all(path.operations, {}, {keep: operation => Date.parse(operation.created_at) >= since})]);
    if (!page.alive()) {
      return;
    }
    const failed = operations.filter(operation => operation.status === 'failed');
    replace(body,
      h('div', {class: 'tiles'},
        tile('Tenants', tenants.length, 'tile-tenants'),
        tile('Active', count(tenants, 'active'), 'tile-active'),
        tile('Suspended', count(tenants, 'suspended'), 'tile-suspended'),
        tile('With warnings', tenants.filter(tenant => (tenant.warnings || []).length).length, 'tile-warnings'),
        tile('Operations (24 h)', operations.length, 'tile-operations'),
        tile('Failed (24 h)', failed.length, 'tile-failed')),
      h('div', {class: 'grid'},
        h('section', {class: 'card', id: 'chart-status'}, bars('Tenants by status',
          STATUSES.map(status => ({label: status, value: count(tenants, status), kind: 'status-' + status}))
            .filter(item => item.value > 0))),
        h('section', {class: 'card', id: 'chart-failures'}, bars('Failed operations by type (24 h)',
          byType(failed).map(([type, value]) => ({label: type, value, kind: 'status-failed'}))))),
      h('section', {class: 'card', id: 'chart-hourly'},
        columns('Operations per hour (24 h, UTC)', hourly(operations, since), ['succeeded', 'failed', 'running'])));
  } catch (error) {
    replace(body, errorBox(error));
  }
}

function tile(label, value, id) {
  return h('div', {class: 'tile', id}, h('div', {class: 'tile-value'}, String(value)), h('div', {class: 'tile-label'}, label));
}

function count(tenants, status) {
  return tenants.filter(tenant => tenant.status === status).length;
}

function byType(operations) {
  const counts = new Map();
  operations.forEach(operation => counts.set(operation.type, (counts.get(operation.type) || 0) + 1));
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** One slot per hour from `since` to now, each split by the operations' status. */
function hourly(operations, since) {
  const start = Math.floor(since / 3600000) * 3600000;
  const slots = [];
  for (let hour = 0; hour <= HOURS; hour++) {
    const at = new Date(start + hour * 3600000);
    slots.push({label: String(at.getUTCHours()).padStart(2, '0') + ':00',
      counts: {succeeded: 0, failed: 0, running: 0}});
  }
  for (const operation of operations) {
    const index = Math.floor((Date.parse(operation.created_at) - start) / 3600000);
    if (index >= 0 && index < slots.length && operation.status in slots[index].counts) {
      slots[index].counts[operation.status]++;
    }
  }
  return slots.map(slot => ({label: slot.label,
    parts: ['succeeded', 'failed', 'running'].map(kind => ({kind, value: slot.counts[kind]}))}));
}
