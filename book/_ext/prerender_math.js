// Typeset the book's math once, at build time, with the site's own MathJax (run by Node).
//
// Usage: node prerender_math.js <mathjax es5 folder> < pages.json
//   pages.json: ["/abs/path/page.html", ...]; pages without math, or typeset by an earlier
//   run (they hold the math stylesheet), are left as they are.
//
// Every element Sphinx writes for math (<span|div class="math notranslate nohighlight">
// holding \(...\) or \[...\]) gets the SVG markup MathJax would have made in the reader's
// browser, with its assistive MathML for screen readers. Each page gets MathJax's stylesheet
// and one hidden <svg> holding the glyph outlines its formulas share, so it needs no font and
// no script. Readers then download and run no MathJax at all: pages are interactive sooner,
// and print and save with their math.
//
// A TeX error (an undefined macro, a missing brace) stops the build: the script prints the
// page and the TeX and exits 1. Prints one JSON object: {page: number of formulas}.
'use strict';

const fs = require('fs');
const path = require('path');

const mathjaxDir = path.resolve(process.argv[2] || '');
if (!process.argv[2] || !fs.existsSync(path.join(mathjaxDir, 'node-main.js'))) {
  console.error(`prerender_math.js: no MathJax (node-main.js) in ${mathjaxDir}`);
  process.exit(2);
}
const pages = JSON.parse(fs.readFileSync(0, 'utf8'));

// SVG output is sized in ex of the surrounding text, so these only convert TeX's absolute
// units (\hspace{1em}); they are the theme's body text (16 px) and its text column.
const EM = 16;
const EX = 9;
const CONTAINER_WIDTH = 688;
const STYLE_ID = 'MJX-SVG-styles';

const ELEMENT = /(<(span|div) class="math notranslate nohighlight"[^>]*>)([\s\S]*?)(<\/\2>)/g;
const TEX = /\\\(([\s\S]*?)\\\)|\\\[([\s\S]*?)\\\]/g;
const ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'" };
const unescape = (s) => s.replace(/&(?:lt|gt|amp|quot|#39);/g, (e) => ENTITIES[e]);
const escape = (s) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

async function main() {
  const MathJax = await require(path.join(mathjaxDir, 'node-main.js')).init({
    loader: { load: ['input/tex', 'output/svg', 'a11y/assistive-mml'] },
    tex: {
      // no red "\foo" in the page: an unknown macro is an error of the build
      packages: { '[-]': ['noundefined'] },
      formatError: (jax, err) => {
        throw err;
      },
    },
    // one copy of each glyph's outline per page, shared by its formulas
    svg: { fontCache: 'global' },
    startup: { typeset: false },
  });
  const adaptor = MathJax.startup.adaptor;
  const output = MathJax.startup.output;
  const done = {};
  for (const file of pages) {
    const html = fs.readFileSync(file, 'utf8');
    if (html.includes(`id="${STYLE_ID}"`)) {
      done[file] = 0; // typeset by an earlier build
      continue;
    }
    // a fresh glyph cache per page: only the characters this page uses
    output.fontCache.clearCache();
    output.svgStyles = null;
    const pieces = [];
    let last = 0;
    let count = 0;
    for (const m of html.matchAll(ELEMENT)) {
      const [whole, open, , inner, close] = m;
      let body = '';
      let at = 0;
      for (const t of inner.matchAll(TEX)) {
        const display = t[2] !== undefined;
        const tex = unescape(display ? t[2] : t[1]);
        let node;
        try {
          node = await MathJax.tex2svgPromise(tex, {
            display,
            em: EM,
            ex: EX,
            containerWidth: CONTAINER_WIDTH,
          });
        } catch (err) {
          console.error(`${file}: TeX error in ${JSON.stringify(tex.slice(0, 200))}: ${err.message}`);
          process.exit(1);
        }
        if (display) {
          // a wide display scrolls sideways in a narrow column: keyboard users need to
          // reach it (MathJax in the browser makes every formula focusable for its menu)
          adaptor.setAttribute(node, 'tabindex', '0');
        }
        // the TeX stays on the page (as MathJax 4 keeps it) for readers' tools and tests
        const markup = adaptor
          .outerHTML(node)
          .replace('<mjx-container ', `<mjx-container data-latex="${escape(tex)}" `);
        body += inner.slice(at, t.index) + markup;
        at = t.index + t[0].length;
        count += 1;
      }
      pieces.push(html.slice(last, m.index), open, body + inner.slice(at), close);
      last = m.index + whole.length;
    }
    if (count === 0) {
      done[file] = 0;
      continue;
    }
    pieces.push(html.slice(last));
    let page = pieces.join('');
    if (!page.includes('</head>') || !/<body[^>]*>/.test(page)) {
      console.error(`${file}: no </head> and <body> to put the math stylesheet and glyphs in`);
      process.exit(1);
    }
    const css = adaptor.textContent(MathJax.svgStylesheet());
    const glyphs = adaptor.outerHTML(output.fontCache.getCache());
    page = page.replace('</head>', () => `<style id="${STYLE_ID}">\n${css}</style>\n</head>`);
    page = page.replace(/<body[^>]*>/, (body) =>
      `${body}\n<svg id="MJX-SVG-global-cache" style="display: none">${glyphs}</svg>`);
    fs.writeFileSync(file, page);
    done[file] = count;
  }
  process.stdout.write(JSON.stringify(done));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
