import { views, type DemoView } from './views/registry.js';
import { escapeText } from './plot/svg.js';

// The shell: one tab per registered view (WAI-ARIA tabs with automatic activation), the chosen
// view mounted in the panel and named in the URL hash so a view can be linked and reloaded.

const tabList = document.getElementById('view-tabs') as HTMLElement;
const panel = document.getElementById('view-panel') as HTMLElement;

let unmount: (() => void) | undefined;
let current: DemoView | undefined;

function viewFromHash(): DemoView {
  const id = decodeURIComponent(location.hash.replace(/^#/, ''));
  return views.find((view) => view.id === id) ?? (views[0] as DemoView);
}

function tabs(): HTMLButtonElement[] {
  return [...tabList.querySelectorAll<HTMLButtonElement>('button[role="tab"]')];
}

function show(view: DemoView, focus = false): void {
  if (current === view) return;
  unmount?.();
  unmount = undefined;
  current = view;
  for (const tab of tabs()) {
    const selected = tab.dataset['view'] === view.id;
    tab.setAttribute('aria-selected', String(selected));
    // Roving tabindex: Tab reaches the selected tab only; the arrow keys move between tabs.
    tab.tabIndex = selected ? 0 : -1;
    if (selected && focus) tab.focus();
  }
  panel.setAttribute('aria-labelledby', `tab-${view.id}`);
  document.body.dataset['view'] = view.id;
  document.body.dataset['state'] = 'loading';
  panel.replaceChildren();
  if (location.hash !== `#${view.id}`) history.replaceState(null, '', `#${view.id}`);
  try {
    unmount = view.mount(panel);
  } catch (error) {
    document.body.dataset['state'] = 'error';
    panel.innerHTML = `<p class="error" role="alert">${escapeText(error instanceof Error ? error.message : String(error))}</p>`;
  }
}

function onKey(event: KeyboardEvent): void {
  const all = tabs();
  const index = all.findIndex((tab) => tab.dataset['view'] === current?.id);
  let next: number;
  switch (event.key) {
    case 'ArrowRight':
    case 'ArrowDown':
      next = (index + 1) % all.length;
      break;
    case 'ArrowLeft':
    case 'ArrowUp':
      next = (index - 1 + all.length) % all.length;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = all.length - 1;
      break;
    default:
      return;
  }
  event.preventDefault();
  const target = views[next];
  if (target !== undefined) show(target, true);
}

function start(): void {
  tabList.innerHTML = views
    .map(
      (view) =>
        `<button type="button" role="tab" id="tab-${view.id}" data-view="${view.id}" aria-controls="view-panel" aria-selected="false" tabindex="-1">${escapeText(view.title)}</button>`,
    )
    .join('');
  for (const tab of tabs()) {
    tab.addEventListener('click', () => {
      const view = views.find((candidate) => candidate.id === tab.dataset['view']);
      if (view !== undefined) show(view);
    });
  }
  tabList.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', () => show(viewFromHash()));
  show(viewFromHash());
}

start();
