// What the browser tests (tests/browser, tests/book) and the JupyterLab tests (tests/lab)
// ask a page. One object of functions; Python takes one with tests.browser.helpers.probe(name)
// and runs it with Playwright's evaluate or wait_for_function (an element or an argument
// comes in as the first parameter).
({
  // The static book's page is ready: every embedded widget view rendered and every formula
  // shown typeset (the build typesets the math; a page that loaded MathJax instead would be
  // ready once it had run).
  pageReady: () => {
    const views = document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]').length;
    const areas = [...document.querySelectorAll('.widget-subarea')];
    if (areas.length < views || areas.some(a => a.childElementCount === 0)) return false;
    return [...document.querySelectorAll('span.math, div.math')]
      .every(e => e.querySelector('mjx-container'));
  },

  // The frame an interactive figure (mlp.figures.frames) shows inside `root`: its picture's
  // source and its text. Moving a control must change it.
  shownFrame: (root) => {
    const img = root.querySelector('.mlp-frame img, .mlp-frame svg.mlp-overlay');
    const txt = root.querySelector('.mlp-frame .mlp-frame-text');
    if (!img && !txt) {  // a frame that is HTML only (a quiz's feedback, an SVG drawing)
      const shown = [...root.querySelectorAll('.mlp-frame')].find(f => f.offsetParent !== null);
      return shown ? shown.innerHTML : '';
    }
    const picture = !img ? '' : img.tagName === 'IMG' ? img.getAttribute('src') : img.innerHTML;
    return picture + '|' + (txt ? txt.innerHTML : '');
  },

  // Whether the first frame picture inside `root` has loaded: an image, or a light SVG
  // frame (mlp.figures.light_frames) drawn at a size whose background is in the page.
  shownPictureLoaded: (root) => {
    const svg = root.querySelector('.mlp-frame svg.mlp-overlay');
    if (svg) {
      const use = svg.querySelector('use');
      const bg = use && document.querySelector(use.getAttribute('href'));
      return !!bg && bg.getAttribute('href').startsWith('data:image/png')
        && svg.getBoundingClientRect().width > 0;
    }
    const img = root.querySelector('.mlp-frame img');
    return !!img && img.complete && img.naturalWidth > 0;
  },

  // Whether every frame picture inside `root` (default: the page) has loaded, and at least one.
  framePicturesLoaded: (root) => {
    const imgs = [...(root || document).querySelectorAll('.mlp-frame img')];
    return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0);
  },

  // The texts of the frames a reader sees now (the visible child of each stack), joined.
  visibleFrameTexts: (root) => [...(root || document).querySelectorAll('.mlp-frame')]
    .filter(f => f.offsetParent !== null && f.querySelector('.mlp-frame-text'))
    .map(f => f.querySelector('.mlp-frame-text').textContent)
    .join(' | '),

  // JupyterLab: the notebook panel's kernel is idle and no cell is queued or running ([*]).
  labIdle: (panel) => {
    const nb = document.querySelector(panel);
    if (!nb) return false;
    const idle = nb.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
    const prompts = [...nb.querySelectorAll('.jp-InputPrompt')].map(p => p.textContent);
    return !!idle && !prompts.some(p => p.includes('*'));
  },

  // JupyterLab: a Run All has finished (idle, nothing queued, and at least one cell has run;
  // a notebook without code cells is finished when its kernel is idle).
  labRunFinished: (panel) => {
    const nb = document.querySelector(panel);
    if (!nb) return false;
    const idle = nb.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
    const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
      .map(p => p.textContent);
    if (prompts.length === 0) return !!idle;
    return !!idle && !prompts.some(p => p.includes('*')) && prompts.some(p => /\d/.test(p));
  },
})
