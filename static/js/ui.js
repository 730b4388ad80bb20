// Small DOM helpers shared by the app's pages: build elements, announce, format.

/** An element with attributes (`on*` functions become listeners) and children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.className = value;
    } else if (name in node && typeof value !== 'string') {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace a container's content. */
export function fill(container, ...children) {
  container.replaceChildren();
  for (const child of children.flat()) if (child) container.append(child);
}

/** Say something to screen readers and show it in the page's status line. */
export function announce(message) {
  const region = document.getElementById('announce');
  if (region) region.textContent = message;
}

export function formatDateTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function formatScore(value) {
  return value === null || value === undefined ? 'n/a' : value.toFixed(1);
}

/** The page's query parameter `name`. */
export function param(name) {
  return new URL(window.location.href).searchParams.get(name);
}

export const userId = () => Number(document.body.dataset.userId);
