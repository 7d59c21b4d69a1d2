// Two small SVG charts drawn with DOM calls (no library, no markup strings): horizontal bars for
// counts by category, stacked columns for counts over time.
import {h, s} from './dom.js';

/** bars([{label, value, kind}]): one bar per label, longest = the largest value. */
export function bars(title, items) {
  const rowHeight = 26;
  const labelWidth = 150;
  const width = 520;
  const max = Math.max(1, ...items.map(item => item.value));
  const height = Math.max(1, items.length) * rowHeight + 8;
  const svg = s('svg', {class: 'chart', viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': title},
    s('title', {}, title),
    items.map((item, index) => {
      const y = index * rowHeight + 4;
      const length = Math.round((width - labelWidth - 60) * item.value / max);
      return s('g', {class: 'bar ' + (item.kind || ''), 'data-label': item.label, 'data-value': item.value},
        s('text', {x: labelWidth - 8, y: y + 15, 'text-anchor': 'end', class: 'axis'}, item.label),
        s('rect', {x: labelWidth, y, width: Math.max(item.value ? 2 : 0, length), height: rowHeight - 8, rx: 3}),
        s('text', {x: labelWidth + length + 6, y: y + 15, class: 'value'}, String(item.value)));
    }));
  return figure(title, items.length ? svg : h('p', {class: 'muted empty'}, 'Nothing to show.'));
}

/** columns([{label, parts: [{value, kind}]}], legend): one stacked column per slot (an hour). */
export function columns(title, slots, legend) {
  const width = 1100;
  const height = 230;
  const left = 34;
  const right = 24;
  const bottom = 24;
  const plotHeight = height - bottom - 10;
  const total = slot => slot.parts.reduce((sum, part) => sum + part.value, 0);
  const max = Math.max(1, ...slots.map(total));
  const step = (width - left - right) / Math.max(1, slots.length);
  const barWidth = Math.max(3, step * 0.7);
  const scale = value => value * plotHeight / max;
  const ticks = [0, Math.ceil(max / 2), max].filter((tick, index, all) => all.indexOf(tick) === index);
  const svg = s('svg', {class: 'chart', viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': title},
    s('title', {}, title),
    ticks.map(tick => s('g', {class: 'tick'},
      s('line', {x1: left, x2: width - right, y1: 10 + plotHeight - scale(tick), y2: 10 + plotHeight - scale(tick)}),
      s('text', {x: left - 6, y: 14 + plotHeight - scale(tick), 'text-anchor': 'end', class: 'axis'}, String(tick)))),
    slots.map((slot, index) => {
      const x = left + index * step + (step - barWidth) / 2;
      let top = 10 + plotHeight;
      return s('g', {class: 'column', 'data-label': slot.label, 'data-value': total(slot)},
        s('title', {}, slot.label + ': ' + slot.parts.map(part => part.value + ' ' + part.kind).join(', ')),
        slot.parts.filter(part => part.value > 0).map(part => {
          top -= scale(part.value);
          return s('rect', {class: part.kind, x, y: top, width: barWidth, height: scale(part.value)});
        }),
        index % 3 === 0 ? s('text', {x: x + barWidth / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis'}, slot.label)
          : null);
    }));
  return figure(title, svg, h('div', {class: 'legend'},
    legend.map(kind => h('span', {class: 'legend-item'}, h('span', {class: 'swatch ' + kind}), kind))));
}

function figure(title, ...content) {
  return h('figure', {class: 'figure'}, h('figcaption', {}, title), content);
}
