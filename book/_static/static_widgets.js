// The book's interactive figures with no kernel and no widget manager.
//
// A page of the book carries the widget state its notebook saved when it was built
// (<script type="application/vnd.jupyter.widget-state+json">) and one view script per widget
// output. The figures of mlp.figures.frames use only a few models: boxes, stacks of
// precomputed frames (HTML), selection sliders and toggle buttons, and the jslinks that tie a
// control's index to its stacks. This file draws exactly those, with native controls (a range
// input is keyboard- and touch-operable and named by its <label>), in a few kilobytes instead
// of the 0.9 MB (gzipped) widget manager, and it shows a stack's frame only when it is first
// selected, so a page with a thousand frames builds a handful of them at load.
// tests/book/test_static_widgets.py checks that every saved model is one drawn here.
(function () {
  'use strict';
  var STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var PREFIX = 'IPY_MODEL_';
  var models = {};
  var uid = 0;

  function Model(spec) {
    this.name = spec.model_name;
    this.state = spec.state || {};
    this.listeners = [];
  }
  Model.prototype.set = function (key, value) {
    if (this.state[key] === value) { return; }
    this.state[key] = value;
    this.listeners.forEach(function (f) { f(key, value); });
  };
  Model.prototype.on = function (f) { this.listeners.push(f); };

  function byRef(value) {
    return typeof value === 'string' && value.indexOf(PREFIX) === 0
      ? models[value.slice(PREFIX.length)] : undefined;
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function typeset(node) {  // TeX in a label or an HTML value (see math_prerender)
    var mj = window.MathJax;
    if (mj && mj.Hub && mj.Hub.Queue) { mj.Hub.Queue(['Typeset', mj.Hub, node]); }
  }

  function box(model) {
    var kind = model.name === 'HBoxModel' ? 'widget-hbox' : 'widget-vbox';
    var div = el('div', 'jupyter-widgets widget-container widget-box ' + kind);
    (model.state.children || []).forEach(function (ref) { div.appendChild(render(byRef(ref))); });
    return div;
  }

  function html(model) {
    var div = el('div', 'jupyter-widgets widget-inline-hbox widget-html');
    if (model.state.description) {
      div.appendChild(el('label', 'widget-label', model.state.description));
    }
    var content = el('div', 'widget-html-content');
    content.innerHTML = model.state.value || '';
    div.appendChild(content);
    typeset(div);
    return div;
  }

  function stack(model) {
    var div = el('div', 'jupyter-widgets widget-container widget-box widget-stack');
    var views = {};  // child index -> its view, drawn the first time it is selected
    function show() {  // only the selected child is in the page (as ipywidgets' own Stack)
      var i = model.state.selected_index;
      var children = model.state.children || [];
      var view = null;
      if (i !== null && i >= 0 && i < children.length) {
        view = views[i] || (views[i] = render(byRef(children[i])));
      }
      if (div.firstChild !== view || div.childNodes.length !== (view ? 1 : 0)) {
        div.replaceChildren.apply(div, view ? [view] : []);
      }
    }
    model.on(function (key) { if (key === 'selected_index') { show(); } });
    show();
    return div;
  }

  function described(model, kind) {
    var div = el('div', 'jupyter-widgets widget-inline-hbox ' + kind);
    var label = el('label', 'widget-label', model.state.description || '');
    div.appendChild(label);
    return [div, label];
  }

  function slider(model) {
    var parts = described(model, 'widget-slider widget-hslider');
    var div = parts[0];
    var labels = model.state._options_labels || [];
    var input = el('input', 'mlp-range');
    input.type = 'range';
    input.min = '0';
    input.max = String(Math.max(labels.length - 1, 0));
    input.step = '1';
    input.id = 'mlp-range-' + (++uid);
    parts[1].htmlFor = input.id;
    var readout = el('output', 'widget-readout');
    readout.htmlFor = input.id;
    function update() {
      var i = model.state.index || 0;
      input.value = String(i);
      input.setAttribute('aria-valuetext', labels[i] === undefined ? String(i) : labels[i]);
      readout.textContent = labels[i] === undefined ? '' : labels[i];
    }
    input.addEventListener('input', function () { model.set('index', Number(input.value)); });
    model.on(function (key) { if (key === 'index') { update(); } });
    update();
    div.appendChild(input);
    if (model.state.readout !== false) { div.appendChild(readout); }
    return div;
  }

  function toggles(model) {
    var parts = described(model, 'widget-toggle-buttons');
    var div = parts[0];
    var group = el('div', 'widget-toggle-buttons-group');
    group.setAttribute('role', 'group');
    parts[1].id = 'mlp-toggles-' + (++uid);
    group.setAttribute('aria-labelledby', parts[1].id);
    var tips = model.state.tooltips || [];
    var buttons = (model.state._options_labels || []).map(function (text, i) {
      var b = el('button', 'widget-toggle-button jupyter-button', text);
      b.type = 'button';
      if (tips[i]) { b.title = tips[i]; }
      b.addEventListener('click', function () { model.set('index', i); });
      group.appendChild(b);
      return b;
    });
    function update() {
      buttons.forEach(function (b, i) {
        var on = i === model.state.index;
        b.classList.toggle('mod-active', on);
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
      });
    }
    model.on(function (key) { if (key === 'index') { update(); } });
    update();
    div.appendChild(group);
    return div;
  }

  function unsupported(model) {
    var name = model ? model.name : 'a missing model';
    if (window.console) { console.warn('static_widgets.js cannot draw ' + name); }
    return el('div', 'jupyter-widgets mlp-widget-unsupported',
      'This control needs a running kernel: open the notebook to use it.');
  }

  var VIEWS = {
    VBoxModel: box, HBoxModel: box, BoxModel: box, HTMLModel: html, HTMLMathModel: html,
    LabelModel: html, StackModel: stack, SelectionSliderModel: slider,
    ToggleButtonsModel: toggles
  };

  function render(model) {
    var view = model && VIEWS[model.name];
    return view ? view(model) : unsupported(model);
  }

  function link(model, both) {  // jslink (both ways) and jsdlink (source to target)
    var s = model.state.source || [], t = model.state.target || [];
    var source = byRef(s[0]), target = byRef(t[0]);
    if (!source || !target) { return; }
    target.set(t[1], source.state[s[1]]);
    source.on(function (key, value) { if (key === s[1]) { target.set(t[1], value); } });
    if (both) {
      target.on(function (key, value) { if (key === t[1]) { source.set(s[1], value); } });
    }
  }

  function start() {
    document.querySelectorAll(STATE).forEach(function (script) {
      var saved = JSON.parse(script.textContent || '{}').state || {};
      Object.keys(saved).forEach(function (id) { models[id] = new Model(saved[id]); });
    });
    Object.keys(models).forEach(function (id) {
      var m = models[id];
      if (m.name === 'LinkModel' || m.name === 'DirectionalLinkModel') {
        link(m, m.name === 'LinkModel');
      }
    });
    document.querySelectorAll(VIEW).forEach(function (script) {
      var area = el('div', 'widget-subarea');
      var id = JSON.parse(script.textContent || '{}').model_id;
      area.appendChild(render(models[id]));
      script.parentNode.insertBefore(area, script.nextSibling);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
