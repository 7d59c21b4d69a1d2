// The tenants table: filters by status, plan and region, paged with the API's next_cursor, refreshed
// while a tenant on the page is between states.
import {call, path, query} from './api.js';
import {badge, h, replace, table, when} from './dom.js';
import {PLANS, REGIONS, STATUSES, errorBox} from './ui.js';

const PAGE_SIZE = 25; // rows a page unless the address says otherwise (#/tenants?limit=N)
const MOVING = new Set(['awaiting_approval', 'provisioning', 'destroying']);

export function tenantsPage(view, page, filters, pageSize) {
  const cursors = [null]; // cursors[i]: where page i starts
  let index = 0;
  const body = h('div', {id: 'tenants-body'});
  const form = filterForm(filters, chosen => page.go('#/tenants' + query(chosen)));
  replace(view,
    h('section', {class: 'card'},
      h('div', {class: 'card-head'}, h('h1', {}, 'Tenants'), h('a', {class: 'button', href: '#/new'}, 'New tenant')),
      form, body));

  async function load() {
    try {
      const result = await call('GET', path.tenants + query({...filters, limit: pageSize || PAGE_SIZE, cursor: cursors[index]}));
      if (!page.alive()) {
        return;
      }
      cursors[index + 1] = result.next_cursor;
      replace(body, rows(result.items), pager(result.next_cursor));
      if (result.items.some(tenant => MOVING.has(tenant.status))) {
        page.later(load, 3000);
      }
    } catch (error) {
      replace(body, errorBox(error));
    }
  }

  function pager(next) {
    return h('div', {class: 'pager'},
      h('button', {type: 'button', id: 'previous-page', disabled: index === 0,
        onclick: () => { index--; load(); }}, '← Previous'),
      h('span', {class: 'muted'}, 'Page ' + (index + 1)),
      h('button', {type: 'button', id: 'next-page', disabled: !next,
        onclick: () => { index++; load(); }}, 'Next →'));
  }

  load();
}

function rows(items) {
  return table(['Name', 'Status', 'Plan', 'Region', 'Created', 'Warnings'], items.map(tenant =>
    h('tr', {'data-tenant-id': tenant.tenant_id},
      h('td', {}, h('a', {href: '#/tenants/' + encodeURIComponent(tenant.tenant_id), class: 'tenant-link'}, tenant.tenant_name)),
      h('td', {class: 'tenant-status'}, badge(tenant.status)),
      h('td', {}, tenant.plan),
      h('td', {}, tenant.region),
      h('td', {}, when(tenant.created_at)),
      h('td', {}, (tenant.warnings || []).length ? h('span', {class: 'warn-count'}, String(tenant.warnings.length)) : ''))),
  'No tenant matches these filters.');
}

function filterForm(filters, apply) {
  const choice = (name, values) => h('select', {name, id: 'filter-' + name},
    h('option', {value: ''}, 'any ' + name),
    values.map(value => h('option', {value, selected: value === filters[name]}, value)));
  const region = h('input', {name: 'region', id: 'filter-region', list: 'region-list', placeholder: 'any region',
    value: filters.region || '', size: 12});
  const form = h('form', {class: 'filters'},
    choice('status', STATUSES), choice('plan', PLANS), region,
    h('datalist', {id: 'region-list'}, REGIONS.map(value => h('option', {value}))),
    h('button', {type: 'submit'}, 'Filter'),
    h('a', {href: '#/tenants', class: 'button secondary'}, 'Clear'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const data = new FormData(form);
    apply({status: data.get('status'), plan: data.get('plan'), region: String(data.get('region') || '').trim()});
  });
  return form;
}
