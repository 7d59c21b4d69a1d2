// The create-tenant form: POST /api/v1/tenants, then the new tenant's page with its provisioning live.
import {call, path} from './api.js';
import {h, replace} from './dom.js';
import {PLANS, REGIONS, busy, field, select} from './ui.js';

export function createPage(view, page) {
  const errors = h('div', {class: 'error-slot'});
  const submit = h('button', {type: 'submit', id: 'create-submit'}, 'Create tenant');
  const form = h('form', {id: 'create-form', class: 'stacked', novalidate: true},
    field('Name', 'tenant_name', h('input', {required: true, maxlength: 63, autocomplete: 'off'}),
      'Letters, digits, space, ".", "_" or "-"; unique among live tenants.'),
    field('Plan', 'plan', select('plan', PLANS.map(plan => [plan, plan]), 'standard')),
    field('Region', 'region', h('input', {list: 'create-regions', value: REGIONS[0], autocomplete: 'off'})),
    h('datalist', {id: 'create-regions'}, REGIONS.map(value => h('option', {value}))),
    field('Monitoring level', 'monitoring_level', select('monitoring_level',
      [['', 'the plan\'s default'], ['basic', 'basic'], ['standard', 'standard'], ['enterprise', 'enterprise']], '')),
    field('Admin email', 'admin_email', h('input', {type: 'email', autocomplete: 'off'}),
      'Optional: invited as tenant_admin once the tenant is active.'),
    h('fieldset', {class: 'optional'},
      h('legend', {}, 'Backup policy (optional: the plan\'s defaults otherwise)'),
      field('Schedule (cron)', 'backup_policy.schedule', h('input', {placeholder: '0 2 * * *', autocomplete: 'off'})),
      field('Retention (days)', 'backup_policy.retention_days', h('input', {type: 'number', min: 1}))),
    errors,
    h('div', {class: 'actions-row'}, submit, h('a', {href: '#/tenants', class: 'button secondary'}, 'Cancel')));

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const accepted = await busy(submit, errors, () => call('POST', path.tenants, request(new FormData(form))), form);
    if (accepted && page.alive()) {
      page.go('#/tenants/' + encodeURIComponent(accepted.tenant_id));
    }
  });
  replace(view, h('section', {class: 'card narrow'}, h('h1', {}, 'New tenant'), form));
}

/** The request body: only what the operator filled in. */
function request(data) {
  const text = name => String(data.get(name) || '').trim();
  const body = {tenant_name: text('tenant_name'), plan: text('plan'), region: text('region')};
  if (text('monitoring_level')) {
    body.monitoring_level = text('monitoring_level');
  }
  if (text('admin_email')) {
    body.admin_email = text('admin_email');
  }
  const policy = {};
  if (text('backup_policy.schedule')) {
    policy.schedule = text('backup_policy.schedule');
  }
  if (text('backup_policy.retention_days')) {
    policy.retention_days = Number(text('backup_policy.retention_days'));
  }
  if (Object.keys(policy).length) {
    body.backup_policy = policy;
  }
  return body;
}
