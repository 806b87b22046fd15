/**
 * A small element builder: the UI makes every node with it and sets text, never markup, so
 * nothing a client sent (a mail's subject, a path, a DNS name) is ever parsed as HTML.
 */

/**
 * Makes an element.
 * @param {string} tag the element's name.
 * @param {Record<string, unknown>} [props] attributes; `class`, `text`, `dataset`, `on<event>`
 *   handlers and DOM properties (`value`, `checked`, `srcdoc`) are set as such; `null`,
 *   `undefined` and `false` are skipped.
 * @param {...(Node|string|number|null|undefined|false|Array)} children nodes or text.
 * @returns {HTMLElement} the element.
 * @example h('a', { href: '#mail', class: 'tab' }, 'Mail');
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value' || key === 'checked' || key === 'srcdoc' || key === 'selected') {
      el[key] = value;
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * Appends nodes or text to an element; arrays are flattened, empty values skipped.
 * @param {Element} el the parent.
 * @param {Array} children nodes, text, nested arrays.
 * @example append(list, items.map((item) => h('li', { text: item })));
 */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Replaces an element's children.
 * @param {Element} el the parent.
 * @param {...unknown} children the new children, as for {@link h}.
 * @example replace(tbody, rows);
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * A `<select>` whose options are kept as given, keeping the chosen value when it still exists.
 * @param {HTMLSelectElement} select the element.
 * @param {Array<[string, string]>} options `[value, label]` pairs.
 * @example setOptions(serviceSelect, [['', 'all services'], ['dns', 'dns']]);
 */
export function setOptions(select, options) {
  const chosen = select.value;
  const same =
    select.options.length === options.length &&
    options.every(([value, label], i) => {
      const option = select.options[i];
      return option.value === value && option.textContent === label;
    });
  if (same) return;
  replace(
    select,
    options.map(([value, label]) => h('option', { value }, label)),
  );
  select.value = options.some(([value]) => value === chosen) ? chosen : (options[0]?.[0] ?? '');
}

/**
 * A button that copies a text to the clipboard and says so for a moment.
 * @param {string} text what is copied.
 * @returns {HTMLButtonElement} the button.
 * @example h('div', {}, h('code', { text: line }), copyButton(line));
 */
export function copyButton(text) {
  const button = h('button', { type: 'button', class: 'copy', title: 'Copy', text: 'copy' });
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'copied';
    } catch {
      button.textContent = 'select it';
    }
    setTimeout(() => {
      button.textContent = 'copy';
    }, 1500);
  });
  return button;
}
