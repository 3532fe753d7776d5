// Search, on every page and on the results page (cerca.html). In the header
// of a page, results appear as the person types; Enter (or the button)
// opens the results page with every result, filters and the query in its
// address, so it can be shared and works with the browser's back button.
// Codes (C2.5.3.1, c2.5, C1.1.7b) are looked up exactly in manuale's own
// code index, words through Pagefind (Italian stems, accents optional);
// filters by function and responsible role come with counts. Keyboard:
// arrows move through the results, Enter opens one, Esc closes. The count of
// results is read out by screen readers through a live region. No inline
// script: this file is loaded with <script defer src>, a classic script so
// that it also runs on pages opened from disk, where it says up front that
// search needs the published site.

(() => {
const root = new URL('../', document.currentScript.src);
const offline = location.protocol === 'file:';

let pagefind = null;
const loadPagefind = async () => {
  if (!pagefind) {
    pagefind = import(new URL('ricerca/pagefind/pagefind.js', root).href).then(async (pf) => {
      // The worker would be a second 43 KB script for no gain on an index this size.
      await pf.options({ excerptLength: 22, noWorker: true });
      await pf.init();
      return pf;
    });
  }
  return pagefind;
};

const getJSON = async (path) => {
  const res = await fetch(new URL(path, root));
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
};

// Codes: a function letter, numbers with an optional letter suffix.
const CODE = /^([a-z])\.?(\d{1,6}[a-z]{0,3})((?:\.\d{1,6}[a-z]{0,3})*)\.?$/i;
const parseCode = (q) => {
  const m = CODE.exec(q.trim());
  if (!m) return null;
  const parts = [m[2], ...m[3].split('.').filter(Boolean)].map((p) => p.toLowerCase());
  return m[1].toUpperCase() + parts.join('.');
};
const isBelow = (code, of) =>
  code.length > of.length && code.startsWith(of) && (/^[A-Z]$/.test(of) ? /\d/.test(code[of.length]) : code[of.length] === '.');

let codeIndex = null;
const chunks = new Map();
const chunk = async (name) => {
  if (!chunks.has(name)) chunks.set(name, getJSON(`ricerca/codici/${name}.json`));
  return chunks.get(name);
};

const sortExactFirst = (found, code) => found.sort((a, b) => (a.c === code ? -1 : b.c === code ? 1 : 0));

// The node with that code first, then what lies below it, in tree order.
const lookupCode = async (code, limit) => {
  if (!codeIndex) codeIndex = getJSON('ricerca/codici/indice.json');
  const names = await codeIndex;
  const home = names.filter((n) => n === code || isBelow(code, n)).sort((a, b) => b.length - a.length)[0];
  const below = names.filter((n) => isBelow(n, code));
  const found = [];
  const seen = new Set();
  for (const name of [home, ...below].filter(Boolean)) {
    for (const e of await chunk(name)) {
      if ((e.c === code || isBelow(e.c, code)) && !seen.has(e.c)) {
        seen.add(e.c);
        found.push(e);
      }
    }
    if (found.length > limit) return { found: sortExactFirst(found, code), complete: false };
  }
  return { found: sortExactFirst(found, code), complete: true };
};

const escapeHTML = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// Pagefind's excerpts are escaped text with <mark>: keep only the marks.
const safeExcerpt = (html) => escapeHTML(html.replace(/<\/?mark>/g, '\u0001')).replace(/\u0001(.*?)\u0001/g, '<mark>$1</mark>');
const plain = (s) => s.replace(/<[^>]*>/g, '').replace(/&[a-z#0-9]+;/gi, ' ').replace(/[^\p{L}\p{N}]+/gu, ' ').trim().toLowerCase();

// Filter counts for a code query come from the code index.
const countCodes = (codes) => {
  const counts = { funzione: {}, responsabile: {} };
  for (const e of codes) {
    counts.funzione[e.f] = (counts.funzione[e.f] || 0) + 1;
    for (const r of e.r) counts.responsabile[r] = (counts.responsabile[r] || 0) + 1;
  }
  return counts;
};

let filtersReady = false;

/** Runs a query: up to `limit` results, the total, filter counts. */
const query = async (q, filters, limit) => {
  const code = parseCode(q);
  const [lookup, pf] = await Promise.all([code ? lookupCode(code, limit) : { found: [], complete: true }, loadPagefind()]);
  const codes = lookup.found;
  const search = await pf.search(q, { filters });
  const byCode = codes
    .filter((e) => (!filters.funzione || e.f === filters.funzione) && (!filters.responsabile || e.r.includes(filters.responsabile)))
    .map((e) => ({ code: e.c, title: e.t, url: e.u, path: e.p, excerpt: '' }));
  const shown = new Set(byCode.map((r) => r.code));
  const words = [];
  for (const r of search.results.slice(0, limit)) {
    const d = await r.data();
    if (shown.has(d.meta.codice)) continue;
    // A code query keeps to that branch of the map.
    if (code && d.meta.codice !== code && !isBelow(d.meta.codice, code)) continue;
    const excerpt = safeExcerpt(d.excerpt || '');
    // A section page's excerpt is its own title: nothing to add.
    const sameAsTitle = plain(excerpt) === plain(`${d.meta.codice} ${d.meta.titolo}`) || plain(excerpt) === plain(d.meta.titolo || '');
    words.push({ code: d.meta.codice, title: d.meta.titolo, url: d.meta.url, path: d.meta.percorso, excerpt: sameAsTitle ? '' : excerpt });
  }
  const items = [...byCode, ...words].slice(0, limit);
  const total = code ? byCode.length + words.length : search.results.length + byCode.length;
  // Counts only once the filter data is in: before, they would read 0.
  const counts = code ? countCodes(codes) : filtersReady ? search.filters : {};
  return { items, total: Math.max(total, items.length), counts, complete: lookup.complete };
};

/** Search in `box`: the header's (live, a few results) or the results page's. */
const attach = (box, { live, limit }) => {
  const form = box.querySelector('form');
  const input = box.querySelector('input[type="search"]');
  const status = box.querySelector('[role="status"]');
  const panel = box.querySelector('.risultati');
  const list = panel.querySelector('ol');
  const more = panel.querySelector('.altri');
  const selFunction = panel.querySelector('select[name="funzione"]');
  const selRole = panel.querySelector('select[name="responsabile"]');
  const text = (key) => box.dataset[key] || document.querySelector('[data-ricerca]')?.dataset[key] || '';
  let seq = 0;
  let timer = 0;

  if (offline) {
    // Said before anyone types: the rest of the site works from disk.
    status.innerHTML = `${escapeHTML(text('offline'))} <a href="#titolo-mappa">${escapeHTML(text('map'))}</a>`;
    box.classList.add('fuori-linea');
  }

  const fillSelect = (select, counts, chosen) => {
    if (!counts) return;
    for (const option of select.options) {
      if (!option.value) continue;
      const n = counts[option.value] || 0;
      option.textContent = `${option.value} (${n})`;
      option.hidden = n === 0 && option.value !== chosen;
      option.disabled = option.hidden;
    }
  };

  // The filter data is loaded when someone first reaches for a filter: on a
  // national map it weighs more than the rest of a first query.
  let filtersWanted = false;
  const wantFilters = () => {
    if (filtersWanted || offline) return;
    filtersWanted = true;
    loadPagefind()
      .then((pf) => pf.filters())
      .then(() => {
        filtersReady = true;
        run();
      })
      .catch(() => {});
  };

  const render = (q, { items, total, counts, complete }) => {
    list.innerHTML = items
      .map(
        (r) => `<li><a href="${escapeHTML(new URL(r.url, root).href)}"><span class="codice">${escapeHTML(r.code)}</span> ${escapeHTML(r.title || text('untitled'))}</a>` +
          (r.path ? `<p class="percorso">${escapeHTML(r.path)}</p>` : '') +
          (r.excerpt ? `<p class="estratto">${r.excerpt}</p>` : '') +
          '</li>',
      )
      .join('');
    const n = total;
    const key = n === 0 ? 'none' : !complete ? 'over' : n === 1 ? 'one' : 'many';
    status.textContent = text(key).replace('{n}', n).replace('{q}', q);
    more.hidden = complete && total <= items.length;
    more.textContent = text(complete ? 'more' : 'moreOver').replace('{n}', items.length).replace('{total}', total);
    fillSelect(selFunction, counts.funzione, selFunction.value);
    fillSelect(selRole, counts.responsabile, selRole.value);
    panel.hidden = false;
  };

  const close = () => {
    if (live) panel.hidden = true;
  };

  const run = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (q.length < 2) {
      close();
      if (!offline) status.textContent = '';
      return;
    }
    if (offline) return;
    const filters = {};
    if (selFunction.value) filters.funzione = selFunction.value;
    if (selRole.value) filters.responsabile = selRole.value;
    try {
      const found = await query(q, filters, limit);
      if (mine === seq) render(q, found);
    } catch (e) {
      if (mine === seq) status.textContent = text('error');
      console.warn('ricerca:', e);
    }
  };

  if (live) {
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
  }
  input.addEventListener('focus', () => {
    if (!offline) loadPagefind().catch(() => {});
  });
  for (const select of [selFunction, selRole]) {
    select.addEventListener('focus', wantFilters);
    select.addEventListener('pointerdown', wantFilters);
    select.addEventListener('change', () => {
      wantFilters();
      run();
    });
  }
  if (!live) {
    // The results page runs its query, kept in its address.
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const url = new URL(location.href);
      url.searchParams.set('q', input.value.trim());
      history.replaceState(null, '', url);
      run();
    });
    const q = new URLSearchParams(location.search).get('q') || '';
    input.value = q;
    if (q) run();
  }

  const links = () => [...list.querySelectorAll('a')];
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && !panel.hidden) {
      const first = links()[0];
      if (first) {
        ev.preventDefault();
        first.focus();
      }
    } else if (ev.key === 'Escape' && live) {
      if (!panel.hidden) close();
      else input.value = '';
    }
  });
  list.addEventListener('keydown', (ev) => {
    const all = links();
    const i = all.indexOf(document.activeElement);
    if (i < 0) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const next = ev.key === 'ArrowDown' ? i + 1 : i - 1;
      if (next < 0) input.focus();
      else all[Math.min(next, all.length - 1)].focus();
    } else if (ev.key === 'Home' || ev.key === 'End') {
      ev.preventDefault();
      all[ev.key === 'Home' ? 0 : all.length - 1].focus();
    } else if (ev.key === 'Escape' && live) {
      close();
      input.focus();
    }
  });
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && live && ev.target.tagName === 'SELECT') {
      close();
      input.focus();
    }
  });
};

const header = document.querySelector('[data-ricerca]');
if (header) attach(header, { live: true, limit: 20 });
const page = document.querySelector('[data-pagina-ricerca]');
if (page) attach(page, { live: false, limit: 100 });
})();
