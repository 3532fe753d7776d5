// Search in the header of every page: results as the person types, codes
// (C2.5.3.1, c2.5, C1.1.7b) looked up exactly in manuale's own code index,
// words through Pagefind (Italian stems, accents optional), filters by
// function and responsible role with counts. Keyboard: arrows move through
// the results, Enter opens one, Esc closes. The count of results is read out
// by screen readers through a live region. No inline script: this file is
// loaded with <script defer src>, a classic script so that it also runs on
// pages opened from disk, where it says that search needs the published site.

(() => {
const root = new URL('../', document.currentScript.src);
const box = document.querySelector('[data-ricerca]');

if (box) {
  const form = box.querySelector('form');
  const input = box.querySelector('input[type="search"]');
  const status = box.querySelector('[role="status"]');
  const panel = box.querySelector('.risultati');
  const list = panel.querySelector('ol');
  const more = panel.querySelector('.altri');
  const selFunction = panel.querySelector('select[name="funzione"]');
  const selRole = panel.querySelector('select[name="responsabile"]');
  const text = (key) => box.dataset[key] || '';
  box.hidden = false;

  const offline = location.protocol === 'file:';
  let pagefind = null;
  let codeIndex = null;
  const chunks = new Map();
  let seq = 0;
  let timer = 0;

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

  const chunk = async (name) => {
    if (!chunks.has(name)) chunks.set(name, getJSON(`ricerca/codici/${name}.json`));
    return chunks.get(name);
  };

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
  const sortExactFirst = (found, code) => found.sort((a, b) => (a.c === code ? -1 : b.c === code ? 1 : 0));

  const escapeHTML = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

  // Pagefind's excerpts are escaped text with <mark>: keep only the marks.
  const safeExcerpt = (html) => escapeHTML(html.replace(/<\/?mark>/g, '\u0001')).replace(/\u0001(.*?)\u0001/g, '<mark>$1</mark>');

  // The filters' values are in the page (options written at build time);
  // their counts for the current query come once the filter data is loaded,
  // which happens when someone first reaches for a filter: on a national
  // map that data weighs more than the rest of a first query.
  let filtersWanted = false;
  let filtersReady = false;
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

  const render = (q, items, total, counts, complete = true) => {
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
    panel.hidden = true;
  };

  const LIMIT = 20;

  const run = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (q.length < 2) {
      close();
      status.textContent = '';
      return;
    }
    if (offline) {
      status.textContent = text('offline');
      return;
    }
    const filters = {};
    if (selFunction.value) filters.funzione = selFunction.value;
    if (selRole.value) filters.responsabile = selRole.value;
    try {
      const code = parseCode(q);
      const [lookup, pf] = await Promise.all([code ? lookupCode(code, LIMIT) : { found: [], complete: true }, loadPagefind()]);
      const codes = lookup.found;
      const search = await pf.search(q, { filters });
      if (mine !== seq) return;
      const byCode = codes
        .filter((e) => (!filters.funzione || e.f === filters.funzione) && (!filters.responsabile || e.r.includes(filters.responsabile)))
        .map((e) => ({ code: e.c, title: e.t, url: e.u, path: e.p, excerpt: '' }));
      const shown = new Set(byCode.map((r) => r.code));
      const words = [];
      for (const r of search.results.slice(0, LIMIT)) {
        const d = await r.data();
        if (shown.has(d.meta.codice)) continue;
        // A code query keeps to that branch of the map.
        if (code && d.meta.codice !== code && !isBelow(d.meta.codice, code)) continue;
        words.push({ code: d.meta.codice, title: d.meta.titolo, url: d.meta.url, path: d.meta.percorso, excerpt: safeExcerpt(d.excerpt || '') });
      }
      if (mine !== seq) return;
      const items = [...byCode, ...words].slice(0, LIMIT);
      const total = code ? byCode.length + words.length : search.results.length + byCode.length;
      // Counts only once the filter data is in: before, they would read 0.
      const counts = code ? countCodes(codes) : filtersReady ? search.filters : {};
      render(q, items, Math.max(total, items.length), counts, lookup.complete);
    } catch (e) {
      if (mine === seq) status.textContent = text('error');
      console.warn('ricerca:', e);
    }
  };

  // Filter counts for a code query come from the code index.
  const countCodes = (codes) => {
    const counts = { funzione: {}, responsabile: {} };
    for (const e of codes) {
      counts.funzione[e.f] = (counts.funzione[e.f] || 0) + 1;
      for (const r of e.r) counts.responsabile[r] = (counts.responsabile[r] || 0) + 1;
    }
    return counts;
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
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
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const first = list.querySelector('a');
    if (first) first.click();
    else run();
  });

  const links = () => [...list.querySelectorAll('a')];
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && !panel.hidden) {
      const first = links()[0];
      if (first) {
        ev.preventDefault();
        first.focus();
      }
    } else if (ev.key === 'Escape') {
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
    } else if (ev.key === 'Escape') {
      close();
      input.focus();
    }
  });
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && ev.target.tagName === 'SELECT') {
      close();
      input.focus();
    }
  });
}
})();
