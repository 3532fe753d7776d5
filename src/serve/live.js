// The script `manuale serve` adds to every page of the preview (never to a
// built site): reload on a new build, keeping the scroll position; an
// overlay with the error while a build is broken.
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
  let seen = null;
  let box = null;
  const events = new EventSource(new URL('eventi', src));
  events.addEventListener('versione', (e) => {
    const v = Number(e.data);
    if (seen !== null && v !== seen) {
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
      return;
    }
    seen = v;
    if (box) { box.remove(); box = null; }
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
