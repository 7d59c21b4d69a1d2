// The service's API as the console calls it: the operator's token (kept in sessionStorage only, for
// this tab) on every call, and every refusal turned into an ApiError carrying the contract's
// error shape (code, message, details per field).

const TOKEN_KEY = 'onboarding.token';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: value => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Called when the service refuses the token (401): the console asks for a new one. */
let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** One call; resolves to the parsed JSON body (null when there is none), rejects with an ApiError. */
export async function call(method, path, body) {
  const headers = {Accept: 'application/json', Authorization: 'Bearer ' + (token.get() || '')};
  const init = {method, headers, cache: 'no-store', credentials: 'omit'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (unreachable) {
    throw new ApiError(0, 'unreachable', 'the service did not answer: ' + unreachable.message);
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (notJson) {
      json = null;
    }
  }
  if (!response.ok) {
    const error = json && json.error ? json.error : {};
    const failure = new ApiError(response.status, error.code || 'http_' + response.status,
      error.message || response.statusText || 'request failed', error.details);
    if (response.status === 401) {
      onUnauthorized(failure);
    }
    throw failure;
  }
  return json;
}

/** A query string from the non-empty values of an object. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, value);
    }
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

/** Every item of a paged listing, following next_cursor, stopping after maxPages or when keep() says so. */
export async function all(path, parameters, {maxPages = 25, keep = () => true} = {}) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const result = await call('GET', path + query({...parameters, limit: 200, cursor}));
    const wanted = result.items.filter(keep);
    items.push(...wanted);
    cursor = result.next_cursor;
    if (!cursor || wanted.length < result.items.length) {
      break;
    }
  }
  return items;
}

export const path = {
  tenants: '/api/v1/tenants',
  tenant: id => '/api/v1/tenants/' + encodeURIComponent(id),
  operations: '/api/v1/operations',
  operation: id => '/api/v1/operations/' + encodeURIComponent(id),
};
