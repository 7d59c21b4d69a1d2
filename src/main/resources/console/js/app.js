// The console's shell: the login (an API token, kept in sessionStorage for this tab only) and a
// hash router over the pages. Each page gets a `page` handle whose alive() turns false once the
// operator navigates away, so its polling stops.
import {call, path, token, whenUnauthorized} from './api.js';
import {h, replace} from './dom.js';
import {createPage} from './create.js';
import {fleetPage} from './fleet.js';
import {tenantPage} from './tenant.js';
import {tenantsPage} from './tenants.js';
import {busy, field} from './ui.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const logout = document.getElementById('logout');
let generation = 0;
let timers = [];

function route() {
  generation++;
  timers.forEach(clearTimeout);
  timers = [];
  const mine = generation;
  const page = {
    alive: () => mine === generation,
    later: (action, millis) => timers.push(setTimeout(() => page.alive() && action(), millis)),
    go: hash => { location.hash = hash; },
  };
  if (!token.get()) {
    showSignedIn(false);
    loginPage(null);
    return;
  }
  showSignedIn(true);
  const [where, search] = (location.hash.replace(/^#/, '') || '/tenants').split('?');
  const parts = where.split('/').filter(Boolean).map(decodeURIComponent);
  for (const link of nav.querySelectorAll('a')) {
    link.classList.toggle('current', link.dataset.nav === (parts[0] === 'tenants' && parts[1] ? '' : parts[0]));
  }
  if (parts[0] === 'tenants' && parts[1]) {
    tenantPage(view, page, parts[1]);
  } else if (parts[0] === 'new') {
    createPage(view, page);
  } else if (parts[0] === 'fleet') {
    fleetPage(view, page);
  } else {
    const filters = Object.fromEntries(new URLSearchParams(search || ''));
    tenantsPage(view, page, {status: filters.status, plan: filters.plan, region: filters.region},
      Number(filters.limit) || undefined);
  }
}

function showSignedIn(signedIn) {
  nav.hidden = !signedIn;
  logout.hidden = !signedIn;
}

function loginPage(reason) {
  const errors = h('div', {class: 'error-slot'});
  const input = h('input', {type: 'password', id: 'token', autocomplete: 'off', spellcheck: 'false'});
  const submit = h('button', {type: 'submit', id: 'login-submit'}, 'Log in');
  const form = h('form', {id: 'login-form', class: 'stacked'},
    h('h1', {}, 'Operator console'),
    h('p', {class: 'muted'}, 'Paste an API token (ONBOARDING_API_TOKEN, or the file $DATA_DIR/api-token). '
      + 'It is kept in this browser tab only and sent with each API call.'),
    reason ? h('div', {class: 'notice warning-notice'}, reason) : null,
    field('API token', 'token', input), errors, h('div', {class: 'actions-row'}, submit));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    token.set(input.value.trim());
    const ok = await busy(submit, errors, () => call('GET', path.tenants + '?limit=1'));
    if (ok) {
      route();
    } else {
      token.clear();
    }
  });
  replace(view, h('section', {class: 'card narrow login'}, form));
  input.focus();
}

whenUnauthorized(() => {
  if (token.get() && !document.getElementById('login-form')) {
    token.clear();
    generation++;
    showSignedIn(false);
    loginPage('The service refused the token (401): log in again.');
  }
});

logout.addEventListener('click', () => {
  token.clear();
  location.hash = '#/tenants';
  route();
});

window.addEventListener('hashchange', route);
route();
