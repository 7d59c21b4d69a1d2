// One tenant: its facts, database, roles, users, backups and warnings, the timeline of its operations
// (live while one runs), and the actions an operator takes on it.
import {call, path, query} from './api.js';
import {badge, duration, facts, h, replace, stamp, table, when} from './dom.js';
import {USER_ROLES, busy, errorBox, field, select, showError} from './ui.js';

const TIMELINE_LENGTH = 10; // operations shown, newest first
const WATCH_SECONDS = 2; // long-poll slice while an operation runs: the steps are redrawn after each
const MOVING = new Set(['awaiting_approval', 'provisioning', 'destroying']);

export function tenantPage(view, page, tenantId) {
  const slots = {
    head: h('div', {class: 'card-head'}),
    actions: h('div', {class: 'actions-bar', id: 'actions'}),
    panel: h('div', {class: 'action-panel', id: 'action-panel'}),
    notice: h('div', {class: 'error-slot', id: 'action-result'}),
    overview: h('div', {id: 'overview'}), database: h('div', {id: 'database'}), roles: h('div', {id: 'roles'}),
    warnings: h('div'),
    users: h('div', {id: 'users'}), backups: h('div', {id: 'backups'}), timeline: h('div', {id: 'timeline'}),
  };
  let tenant = null;
  let backups = [];
  let watching = false;
  let expecting = null; // an operation this page started: once it has ended, the tenant is read again

  replace(view,
    h('p', {class: 'crumbs'}, h('a', {href: '#/tenants'}, '← Tenants')),
    h('section', {class: 'card'}, slots.head, slots.actions, slots.panel, slots.notice),
    h('div', {class: 'grid'},
      card('Overview', slots.overview), card('Database', slots.database),
      card('Roles', slots.roles), card('Warnings', slots.warnings)),
    card('Operations', slots.timeline, 'wide'),
    card('Users', slots.users, 'wide'), card('Backups', slots.backups, 'wide'));

  async function refresh() {
    if (!page.alive()) {
      return;
    }
    try {
      tenant = await call('GET', path.tenant(tenantId));
    } catch (error) {
      replace(slots.head, errorBox(error));
      return;
    }
    renderTenant();
    const [operations, users, backupList] = await Promise.allSettled([
      call('GET', path.operations + query({tenant_id: tenantId, limit: TIMELINE_LENGTH})),
      call('GET', path.tenant(tenantId) + '/users'),
      call('GET', path.tenant(tenantId) + '/backups')]);
    if (!page.alive()) {
      return;
    }
    section(slots.users, users, result => usersTable(result.items, issueLink));
    section(slots.backups, backupList, result => {
      backups = result.items;
      return backupsTable(backups);
    });
    if (operations.status === 'fulfilled') {
      await timeline(operations.value.items);
    } else {
      replace(slots.timeline, errorBox(operations.reason));
    }
  }

  /** The timeline with every operation's steps; an operation still running is watched until it ends. */
  async function timeline(items) {
    const details = await Promise.all(items.map(item => call('GET', path.operation(item.operation_id)).catch(() => item)));
    if (!page.alive()) {
      return;
    }
    const entries = new Map(details.map(operation => [operation.operation_id, operationEntry(operation)]));
    replace(slots.timeline, entries.size ? h('ol', {class: 'timeline'}, [...entries.values()])
      : h('p', {class: 'muted empty'}, 'No operation yet.'));
    const running = details.find(operation => operation.status === 'running');
    const ended = details.find(operation => operation.operation_id === expecting && operation.status !== 'running');
    if (running && !waiting(running)) {
      watch(running.operation_id);
    } else if (ended) {
      // It ended between reading the tenant and reading its operations: read the tenant again.
      expecting = null;
      refresh();
    } else if (running || MOVING.has(tenant.status)) {
      // Waiting for a decision (approval) is not something a long poll sees end: look again now and then.
      page.later(refresh, 3000);
    }
  }

  async function watch(operationId) {
    if (watching) {
      return;
    }
    watching = true;
    try {
      let operation;
      do {
        operation = await call('GET', path.operation(operationId) + query({wait: WATCH_SECONDS}));
        if (!page.alive()) {
          return;
        }
        const shown = [...slots.timeline.querySelectorAll('.operation')]
          .find(entry => entry.dataset.operationId === operationId);
        if (shown) {
          shown.replaceWith(operationEntry(operation));
        }
      } while (operation.status === 'running' && !waiting(operation));
      if (expecting === operationId) {
        expecting = null;
      }
    } catch (error) {
      replace(slots.notice, errorBox(error));
    } finally {
      watching = false;
    }
    refresh();
  }

  function renderTenant() {
    replace(slots.head,
      h('div', {},
        h('h1', {id: 'tenant-name'}, tenant.tenant_name),
        h('div', {class: 'muted mono'}, tenant.tenant_id)),
      h('div', {id: 'tenant-status'}, badge(tenant.status)));
    replace(slots.overview, facts([
      ['Plan', tenant.plan], ['Region', tenant.region], ['Cluster', tenant.cluster],
      ['Monitoring', tenant.monitoring_level],
      ['Backups', tenant.backup_policy ? tenant.backup_policy.schedule + ', kept ' + tenant.backup_policy.retention_days
        + ' days (' + tenant.backup_policy.storage_location + ')' : null],
      ['Created', when(tenant.created_at)], ['Updated', when(tenant.updated_at)],
      ['Suspended', tenant.suspended_at ? when(tenant.suspended_at) : null],
      ['Suspension reason', tenant.suspension_reason],
      ['Destroyed', tenant.destroyed_at ? when(tenant.destroyed_at) : null],
      ['Final backup', tenant.final_backup_id],
      ['Git repository', tenant.git ? tenant.git.repository_url : null],
      ['Cloud resource', tenant.cloud ? tenant.cloud.resource_id : null]]));
    const database = tenant.database || {};
    replace(slots.database, tenant.database ? facts([
      ['Name', h('span', {class: 'mono'}, database.name)], ['Host', database.host], ['Port', database.port],
      ['Connection limit', database.connection_limit], ['Encoding', database.encoding],
      ['Collation', database.collation ? database.collation + ' (' + database.collation_provider + ')' : null]])
      : h('p', {class: 'muted empty'}, 'No database.'));
    // Before approval nothing is provisioned: no role exists yet, so none is named.
    replace(slots.roles, tenant.status === 'awaiting_approval'
      ? h('p', {class: 'muted empty', id: 'roles-pending'}, 'None yet: the roles are created once the onboarding is approved.')
      : table(['Role', 'PostgreSQL role'], (tenant.roles || []).map(role =>
        h('tr', {}, h('td', {}, role.role), h('td', {class: 'mono nowrap'}, role.name))), 'No roles.'));
    replace(slots.warnings, (tenant.warnings || []).length
      ? h('ul', {class: 'warnings', id: 'warnings'}, tenant.warnings.map(warning => h('li', {}, warning)))
      : h('p', {class: 'muted empty'}, 'No warnings.'));
    renderActions();
  }

  function renderActions() {
    const status = tenant.status;
    const button = (id, label, enabled, onclick, kind) => h('button', {type: 'button', id: 'action-' + id,
      class: kind, disabled: !enabled, onclick}, label);
    const waiting = status === 'awaiting_approval';
    replace(slots.actions,
      waiting ? button('approve', 'Approve…', true, () => openPanel(approveForm())) : null,
      waiting ? button('reject', 'Reject…', true, () => openPanel(rejectForm()), 'danger') : null,
      button('suspend', 'Suspend', status === 'active', () => openPanel(suspendForm())),
      button('resume', 'Resume', status === 'suspended', event => start(event.target, 'POST', '/resume')),
      button('backup', 'Back up now', status === 'active' || status === 'suspended',
        event => start(event.target, 'POST', '/backups')),
      button('restore', 'Restore…', status === 'active', () => openPanel(restoreForm())),
      button('invite', 'Invite user…', status === 'active', () => openPanel(inviteForm())),
      button('destroy', 'Destroy…', ['active', 'suspended', 'failed'].includes(status), () => openPanel(destroyForm()),
        'danger'));
  }

  function openPanel(form) {
    showError(slots.notice, null);
    replace(slots.panel, form);
    const first = form.querySelector('input, select');
    if (first) {
      first.focus();
    }
  }

  /** Sends an action; one that starts an operation shows it on the timeline at once. */
  async function start(button, method, suffix, body, form) {
    const errors = form ? form.querySelector('.error-slot') : slots.notice;
    const result = await busy(button, errors, () => call(method, path.tenant(tenantId) + suffix, body), form);
    if (result && result.operation_id) {
      expecting = result.operation_id;
    }
    if (result !== undefined && page.alive()) {
      if (form) {
        replace(slots.panel);
      }
      replace(slots.notice, h('div', {class: 'notice', role: 'status'}, noticeText(result)));
      refresh();
    }
  }

  function panelForm(id, title, fields, submitLabel, onsubmit, kind) {
    const submit = h('button', {type: 'submit', id: id + '-submit', class: kind}, submitLabel);
    const form = h('form', {id, class: 'stacked', novalidate: true},
      h('h2', {}, title), fields, h('div', {class: 'error-slot'}),
      h('div', {class: 'actions-row'}, submit,
        h('button', {type: 'button', class: 'secondary', onclick: () => replace(slots.panel)}, 'Cancel')));
    form.addEventListener('submit', event => {
      event.preventDefault();
      onsubmit(submit, form, new FormData(form));
    });
    return form;
  }

  /** Approve and reject send the same pair of fields: who decided (the token's name if left empty) and why. */
  function approveForm() {
    return panelForm('approve-form', 'Approve ' + tenant.tenant_name,
      [h('p', {}, 'The onboarding goes on: the database, roles, secrets and the rest are provisioned.'),
        field('Approved by', 'approved_by', h('input', {maxlength: 254, autocomplete: 'off'}),
          'Optional: your name or address (otherwise the API token\'s name); kept in the audit log.'),
        field('Note', 'note', h('input', {maxlength: 1000, autocomplete: 'off'}), 'Optional.')],
      'Approve', (submit, form, data) => start(submit, 'POST', '/approve',
        decision({approved_by: data.get('approved_by'), note: data.get('note')}), form));
  }

  function rejectForm() {
    return panelForm('reject-form', 'Reject ' + tenant.tenant_name,
      [h('p', {}, 'The onboarding ends as failed; nothing was provisioned, nothing is left.'),
        field('Reason', 'reason', h('input', {maxlength: 1000, autocomplete: 'off'})),
        field('Rejected by', 'rejected_by', h('input', {maxlength: 254, autocomplete: 'off'}),
          'Optional: your name or address (otherwise the API token\'s name); kept in the audit log.')],
      'Reject', (submit, form, data) => start(submit, 'POST', '/reject',
        decision({rejected_by: data.get('rejected_by'), reason: data.get('reason') || ''}), form), 'danger');
  }

  /** A new one-time link for a user who has not collected their credentials (no mail needed); admin only. */
  async function issueLink(button, user) {
    const result = await busy(button, slots.notice,
      () => call('POST', path.tenant(tenantId) + '/users/' + encodeURIComponent(user.user_id) + '/invitation-link'));
    if (result !== undefined && page.alive()) {
      replace(slots.notice, h('div', {class: 'notice', role: 'status', id: 'invitation-link'},
        'One-time link for ' + result.email + ' (until ' + stamp(result.expires_at) + '; earlier links no longer work): ',
        h('span', {class: 'mono wrap-anywhere'}, result.invitation_url)));
    }
  }

  function suspendForm() {
    return panelForm('suspend-form', 'Suspend ' + tenant.tenant_name,
      field('Reason', 'reason', h('input', {maxlength: 500, autocomplete: 'off'}),
        'Connections to the database are blocked and every login is turned off until it is resumed.'),
      'Suspend', (submit, form, data) => start(submit, 'POST', '/suspend', {reason: String(data.get('reason')).trim()}, form),
      'warning');
  }

  function restoreForm() {
    const usable = backups.filter(backup => backup.status === 'succeeded');
    return panelForm('restore-form', 'Restore a backup',
      [field('Backup', 'backup_id', select('backup_id', usable.map(backup =>
        [backup.backup_id, backup.kind + ' · ' + stamp(backup.completed_at || backup.started_at) + ' · ' + size(backup.size_bytes)]))),
      h('label', {class: 'check'}, h('input', {type: 'checkbox', name: 'in_place'}),
        ' In place: replace the tenant\'s database (otherwise into a new database beside it)')],
      'Restore', (submit, form, data) => {
        const body = {backup_id: data.get('backup_id') || ''};
        if (data.get('in_place')) {
          body.target_database = tenant.database ? tenant.database.name : '';
        }
        start(submit, 'POST', '/restore', body, form);
      });
  }

  function inviteForm() {
    return panelForm('invite-form', 'Invite a user',
      [field('Email', 'email', h('input', {type: 'email', autocomplete: 'off'})),
        field('Role', 'role', select('role', USER_ROLES.map(role => [role, role]), 'developer'))],
      'Invite', (submit, form, data) => start(submit, 'POST', '/users',
        {email: String(data.get('email')).trim(), role: data.get('role'), invited_by: 'operator console'}, form));
  }

  function destroyForm() {
    return panelForm('destroy-form', 'Destroy ' + tenant.tenant_name,
      [h('p', {}, 'A final backup is taken, then the database, its roles and the tenant\'s secrets are removed. '
        + 'Type the tenant\'s name to confirm.'),
      field('Tenant name', 'confirm', h('input', {autocomplete: 'off', spellcheck: 'false'}))],
      'Destroy', (submit, form, data) => {
        const typed = String(data.get('confirm'));
        if (typed !== tenant.tenant_name) {
          showError(form.querySelector('.error-slot'), {code: 'not_confirmed',
            message: 'Not destroyed: the name typed is not this tenant\'s name.',
            details: [{field: 'confirm', message: 'must be the tenant\'s name, exactly'}]}, form);
          return;
        }
        start(submit, 'DELETE', query({confirm: typed}), undefined, form);
      }, 'danger');
  }

  refresh();
}

function card(title, body, kind) {
  return h('section', {class: 'card ' + (kind || '')}, h('h2', {}, title), body);
}

function section(slot, settled, render) {
  replace(slot, settled.status === 'fulfilled' ? render(settled.value) : errorBox(settled.reason));
}

/** A running operation that waits for a decision: a step running with a reason (awaiting approval). */
function waiting(operation) {
  return (operation.steps || []).some(step => step.status === 'running' && step.reason);
}

/** Empty optional fields left out, so the API's defaults apply. */
function decision(fields) {
  return Object.fromEntries(Object.entries(fields)
    .map(([key, value]) => [key, value === null ? '' : String(value).trim()])
    .filter(([key, value]) => value !== '' || key === 'reason'));
}

function noticeText(result) {
  if (result && result.operation_id) {
    return (result.decision ? 'Onboarding ' + result.decision + ': started ' : 'Started ') + (result.type || 'an')
      + ' operation ' + result.operation_id + '.';
  }
  if (result && result.user_id) {
    return 'Invited ' + result.email + ' as ' + result.role + ' (database user ' + result.database_user + ').';
  }
  return 'Done.';
}

function operationEntry(operation) {
  const steps = operation.steps || [];
  const done = steps.filter(step => step.status !== 'pending' && step.status !== 'running').length;
  return h('li', {class: 'operation', 'data-operation-id': operation.operation_id, 'data-status': operation.status},
    h('div', {class: 'operation-head'},
      h('strong', {class: 'operation-type'}, operation.type),
      badge(operation.status),
      operation.compensated === true ? h('span', {class: 'badge status-compensated'}, 'compensated') : null,
      operation.compensated === false ? h('span', {class: 'badge status-failed'}, 'not compensated') : null,
      h('span', {class: 'muted'}, when(operation.created_at), ' · ',
        duration(operation.created_at, operation.finished_at) || 'running',
        steps.length ? ' · ' + done + '/' + steps.length + ' steps' : '')),
    operation.error ? h('div', {class: 'operation-error'}, operation.error) : null,
    operation.result ? resultLine(operation) : null,
    // One ordered timeline, read downwards: the steps in the order they run, numbered.
    steps.length ? h('ol', {class: 'steps'}, steps.map((step, index) =>
      h('li', {class: 'step step-' + step.status, 'data-step': step.name, 'data-status': step.status},
        h('span', {class: 'dot'}),
        h('span', {class: 'step-number muted'}, String(index + 1)),
        h('span', {class: 'step-name'}, step.name),
        h('span', {class: 'step-status'}, step.status === 'running' && step.reason ? 'waiting' : step.status),
        h('span', {class: 'muted step-time'}, duration(step.started_at, step.finished_at)),
        step.error ? h('div', {class: 'step-error'}, step.error)
          : step.reason ? h('div', {class: 'step-reason'}, step.reason) : null))) : null);
}

/** What the operation made: a restore's database, a backup's id. */
function resultLine(operation) {
  const result = operation.result;
  if (result.database) {
    return h('div', {class: 'operation-result', 'data-database': result.database},
      result.in_place ? 'Restored in place into the tenant\'s database ' : 'Restored into a new database ',
      h('span', {class: 'mono wrap-anywhere'}, result.database));
  }
  if (result.backup_id) {
    return h('div', {class: 'operation-result'}, 'Backup ', h('span', {class: 'mono wrap-anywhere'}, result.backup_id));
  }
  return null;
}

function usersTable(items, issueLink) {
  return h('div', {class: 'table-scroll'}, table(['Email', 'Role', 'Database user', 'Status', 'Invited', ''],
    items.map(user =>
      h('tr', {'data-user-id': user.user_id},
        h('td', {class: 'breakable'}, user.email), h('td', {class: 'nowrap'}, user.role),
        h('td', {class: 'mono nowrap'}, user.database_user),
        h('td', {}, badge(user.status)), h('td', {class: 'nowrap'}, when(user.created_at)),
        h('td', {class: 'nowrap'}, user.status === 'invited' ? h('button', {type: 'button', class: 'secondary small',
          'data-action': 'invitation-link', onclick: event => issueLink(event.target, user)}, 'Invitation link') : null))),
    'No users.'));
}

function backupsTable(items) {
  return table(['Kind', 'Status', 'Started', 'Size', 'Stored'], items.map(backup =>
    h('tr', {'data-backup-id': backup.backup_id},
      h('td', {}, backup.kind), h('td', {}, badge(backup.status)), h('td', {}, when(backup.started_at)),
      h('td', {}, size(backup.size_bytes)),
      h('td', {}, (backup.storage_location || '') + (backup.encrypted ? ', encrypted' : '')))), 'No backups.');
}

function size(bytes) {
  if (bytes === null || bytes === undefined) {
    return '—';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
}
