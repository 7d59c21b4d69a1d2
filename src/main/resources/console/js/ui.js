// Shared pieces of the pages: the error box, form fields with their per-field error, action buttons.
import {h, replace} from './dom.js';

/** The API's refusal as the operator should read it: code, message and each field's complaint. */
export function errorBox(error) {
  const details = (error.details || []).map(detail =>
    h('li', {'data-field': detail.field}, h('strong', {}, detail.field || 'request'), ': ', detail.message || ''));
  return h('div', {class: 'error', role: 'alert', 'data-code': error.code || 'error'},
    h('div', {class: 'error-title'}, error.status ? 'Refused (' + error.status + ' ' + (error.code || '') + ')' : 'Not sent'),
    h('div', {class: 'error-message'}, error.message || String(error)),
    details.length ? h('ul', {class: 'error-details'}, details) : null);
}

/** Shows an error (or clears it with null) in a slot, and marks the form's fields the details name. */
export function showError(slot, error, form) {
  replace(slot, error ? errorBox(error) : null);
  if (!form) {
    return;
  }
  for (const field of form.querySelectorAll('.field')) {
    field.classList.remove('invalid');
    const hint = field.querySelector('.field-error');
    if (hint) {
      hint.textContent = '';
    }
  }
  for (const detail of (error && error.details) || []) {
    const name = String(detail.field || '');
    const field = [...form.querySelectorAll('.field')].find(candidate => candidate.dataset.name === name)
      || [...form.querySelectorAll('.field')].find(candidate => candidate.dataset.name === name.split('.')[0]);
    if (field) {
      field.classList.add('invalid');
      field.querySelector('.field-error').textContent = detail.message || '';
    }
  }
}

/** A labelled input (or select) with room for its error. */
export function field(label, name, control, hint) {
  control.name = control.name || name;
  control.id = control.id || 'f-' + name;
  return h('div', {class: 'field', 'data-name': name},
    h('label', {for: control.id}, label),
    control,
    hint ? h('div', {class: 'hint'}, hint) : null,
    h('div', {class: 'field-error'}));
}

export function select(name, options, selected) {
  return h('select', {name},
    options.map(([value, label]) => h('option', {value, selected: value === selected}, label)));
}

/** Runs an async action from a button: disabled while it runs, errors shown in the slot. */
export async function busy(button, slot, action, form) {
  button.disabled = true;
  showError(slot, null, form);
  try {
    return await action();
  } catch (error) {
    showError(slot, error, form);
    return undefined;
  } finally {
    button.disabled = false;
  }
}

export const PLANS = ['free', 'standard', 'enterprise'];
export const STATUSES = ['awaiting_approval', 'provisioning', 'active', 'failed', 'suspended', 'destroying', 'destroyed'];
/** The regions of the default configuration, offered as suggestions; the service says which it accepts. */
export const REGIONS = ['local', 'eu-west-1', 'us-east-1'];
export const USER_ROLES = ['tenant_admin', 'application_manager', 'developer', 'auditor'];
