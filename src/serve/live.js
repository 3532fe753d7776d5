// The script `manuale anteprima` adds to every page of the preview (never to a
// built site). On a new build the page reloads, keeping the scroll position;
// when only an author's text changed (event `aggiornate`), a page among those
// changed swaps its <main> in place (no reload: scroll, focus and search box
// stay) and the other pages stay as they are. While a build is broken, an
// overlay shows the error.
(() => {
  const src = document.currentScript.src;
  const key = 'manuale-scorrimento:' + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const y = Number(saved);
    const restore = () => window.scrollTo(0, y);
    if (document.readyState === 'complete') restore(); else addEventListener('load', restore);
  }
  // This page's address from the site's root, as the server names pages.
  const root = new URL('..', src).pathname;
  let here = decodeURIComponent(location.pathname.startsWith(root) ? location.pathname.slice(root.length) : location.pathname);
  if (here === '' || here.endsWith('/')) here += 'index.html';

  let seen = null;
  let box = null;
  const clear = () => { if (box) { box.remove(); box = null; } };
  const reload = () => {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  };
  // The new <main> of this page, in place of the old one.
  const swap = async () => {
    const r = await fetch(location.href, { cache: 'no-store' });
    if (!r.ok) throw new Error(String(r.status));
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    const next = doc.querySelector('main');
    const main = document.querySelector('main');
    if (!next || !main) throw new Error('main');
    main.replaceChildren(...[...next.childNodes].map((n) => document.importNode(n, true)));
    document.title = doc.title;
  };
  // Swaps one after the other, so that an older page never lands last.
  let queue = Promise.resolve();

  const events = new EventSource(new URL('eventi', src));
  events.addEventListener('versione', (e) => {
    const v = Number(e.data);
    if (seen !== null && v !== seen) {
      reload();
      return;
    }
    seen = v;
    clear();
  });
  events.addEventListener('aggiornate', (e) => {
    const d = JSON.parse(e.data);
    // A build missed in between: what changed is not known.
    if (seen === null || d.versione !== seen + 1) {
      reload();
      return;
    }
    seen = d.versione;
    clear();
    if (d.ricarica.includes(here)) {
      reload();
    } else if (d.testo.includes(here)) {
      queue = queue.then(swap).catch(reload);
    }
  });
  events.addEventListener('errore', (e) => {
    if (!box) {
      box = document.createElement('div');
      box.id = 'manuale-errore';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:auto 0 0 0;z-index:99999;max-height:60vh;overflow:auto;' +
        'background:#7f1d1d;color:#fff;font:16px/1.5 system-ui,sans-serif;padding:1rem 1.25rem;' +
        'box-shadow:0 -4px 16px rgba(0,0,0,.4);white-space:pre-wrap';
      document.body.appendChild(box);
    }
    box.textContent = 'Errore nella ricostruzione dell\'anteprima (la pagina mostra l\'ultima versione riuscita):\n\n' + e.data;
  });
})();
