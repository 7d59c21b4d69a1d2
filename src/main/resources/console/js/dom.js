// Building the page from API data without ever parsing it as HTML: every value becomes a text node
// (or an attribute set through the DOM), so a tenant name, an error or a warning cannot inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** h('tr', {class: 'row'}, cell, 'text', [more]): an element with attributes and children. */
export function h(tag, attributes, ...children) {
  return build(document.createElement(tag), attributes, children);
}

/** The same for SVG elements. */
export function s(tag, attributes, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attributes, children);
}

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, child);
    } else if (child instanceof Node) {
      element.appendChild(child);
    } else {
      element.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces everything inside an element. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A timestamp from the API as "2026-01-31 14:05:09 UTC" (the full value in the tooltip). */
export function when(iso) {
  if (!iso) {
    return h('span', {class: 'muted'}, '—');
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return h('span', {}, iso);
  }
  return h('time', {datetime: iso, title: iso}, stamp(iso));
}

/** A timestamp from the API as plain text, "2026-01-31 14:05:09 UTC". */
export function stamp(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

/** Seconds between two API timestamps, as "1.2 s" or "3 min". */
export function duration(startIso, endIso) {
  if (!startIso) {
    return '';
  }
  const millis = (endIso ? new Date(endIso) : new Date()) - new Date(startIso);
  if (millis < 0) {
    return '';
  }
  return millis < 60000 ? (millis / 1000).toFixed(1) + ' s' : Math.round(millis / 60000) + ' min';
}

/** A coloured label for a status (tenant, operation or step). */
export function badge(status) {
  return h('span', {class: 'badge status-' + String(status).replace(/[^a-z_]/g, ''), 'data-status': status}, status);
}

/** A table: headers, then one row of cells per item. */
export function table(headers, rows, emptyText) {
  if (rows.length === 0) {
    return h('p', {class: 'muted empty'}, emptyText);
  }
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map(header => h('th', {}, header)))),
    h('tbody', {}, rows));
}

/** Label and value pairs as a definition list; empty values are left out. */
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
}
