// The medlora console: plain browser JavaScript over the service's /v1 API, with the same
// authentication as any client. No build step and nothing fetched from elsewhere.
'use strict';

const KEY_STORAGE = 'medlora-api-key';
/** Curve colours, distinguishable for the common colour-vision deficiencies. */
const CURVE_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];

/** The header the API key goes in; learnt from the service's 401 challenge. */
let keyHeader = 'X-API-Key';
let models = [];

// ---- DOM helpers ----

/** An element with attributes (on* are listeners) and children (strings become text). */
function el(tag, attrs = {}, ...children) {
  const svg = ['svg', 'path', 'line', 'rect', 'text', 'g', 'polyline'].includes(tag);
  const e = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

const $ = id => document.getElementById(id);

function number(v) {
  if (Number.isInteger(v)) return v.toLocaleString('en');
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(4);
}

function percent(f) {
  return (100 * f).toFixed(f < 0.001 && f > 0 ? 3 : 1) + ' %';
}

// ---- the API ----

class AuthError extends Error {}

/** fetch() on the API with the key; a problem+json answer becomes an Error with its detail. */
async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers.set(keyHeader, key);
  const response = await fetch(path, {...options, headers});
  if (response.ok) return response;
  let detail = response.status + ' ' + response.statusText;
  try {
    detail = (await response.json()).detail || detail;
  } catch (e) { /* not problem+json */ }
  if (response.status === 401) {
    const challenge = /ApiKey header="([^"]+)"/.exec(response.headers.get('WWW-Authenticate') || '');
    if (challenge) keyHeader = challenge[1];
    throw new AuthError(detail);
  }
  const error = new Error(detail);
  error.status = response.status;
  throw error;
}

// ---- start, API key ----

async function start() {
  try {
    models = (await (await api('/v1/models')).json()).models;
  } catch (e) {
    if (e instanceof AuthError) {
      askForKey(sessionStorage.getItem(KEY_STORAGE) ? e.message : '');
      return;
    }
    fatal('The service did not answer: ' + e.message);
    return;
  }
  $('key-panel').hidden = true;
  $('console').hidden = false;
  $('forget-key').hidden = !sessionStorage.getItem(KEY_STORAGE);
  showTasks();
  await showModels();
  followJobs();
}

function askForKey(error) {
  $('console').hidden = true;
  $('key-panel').hidden = false;
  $('key-error').textContent = error;
  $('api-key').focus();
}

function fatal(message) {
  $('fatal').textContent = message;
  $('fatal').hidden = false;
}

// ---- models and their cards ----

async function showModels() {
  const list = $('model-list');
  list.replaceChildren();
  if (models.length === 0) {
    list.append(el('p', {class: 'muted'}, 'No model is published yet.'));
  }
  for (const m of models) {
    const versions = [...m['published-versions']].sort((a, b) => b - a);
    const task = el('article', {class: 'task', 'data-task': m.task},
      el('h3', {}, m.task, ' ', m.version
        ? el('span', {class: 'badge serving'}, 'serving v' + m.version)
        : el('span', {class: 'badge refused'}, 'not serving')),
      el('p', {class: 'muted'}, [m.kind, (m['class-names'] || []).join(', '),
        m['input-size'] && m['input-size'].height + '×' + m['input-size'].width + ' input',
        m['execution-provider']].filter(Boolean).join(' · ')),
      m['last-load-failure'] && el('p', {class: 'error'},
        'v' + m['last-load-failure'].version + ' refused: ' + m['last-load-failure'].reason));
    list.append(task);
    for (const v of versions) {
      const holder = el('div');
      task.append(holder);
      try {
        const manifest = await (await api(`/v1/models/${encodeURIComponent(m.task)}/versions/${v}`)).json();
        holder.replaceWith(modelCard(manifest, v === m.version));
      } catch (e) {
        holder.replaceWith(el('p', {class: 'error'}, `v${v}: ${e.message}`));
      }
    }
  }
}

function method(m) {
  switch (m.kind) {
    case 'linear': return 'Linear probe (frozen backbone)';
    case 'full': return 'Full fine-tuning';
    case 'lora': return `LoRA rank ${m['lora-rank']}, alpha ${m['lora-alpha']} on `
      + `${(m['lora-targets'] || []).join(', ')}${m['rs-lora'] ? ' (rsLoRA)' : ''}`;
    default: return m.kind;
  }
}

/** One version's card: everything its manifest says about how it was made and checked. */
function modelCard(m, serving) {
  const rows = [
    ['Method', method(m.method)],
    ['Backbone', `${m.backbone.architecture} (${m.backbone['checkpoint-file']})`],
  ];
  const d = m.dataset;
  rows.push(['Data set', d
    ? el('span', {}, `${d.layout}: ${d['train-count']} training, ${d['validation-count']} validation`
        + (d['skipped-images'] ? `, ${d['skipped-images']} skipped` : '') + ' · fingerprint ',
      el('code', {title: d['fingerprint-sha256']}, d['fingerprint-sha256'].slice(0, 12)))
    : 'not recorded (exported, not trained)']);
  const v = m.verification;
  const passed = v['max-abs-diff'] <= v.tolerance && v['argmax-mismatches'] === 0;
  rows.push(['Export check', el('span', {class: passed ? 'ok' : 'error'},
    `${passed ? 'passed' : 'FAILED'}: max |ONNX − trained| ${number(v['max-abs-diff'])}`
      + ` ≤ ${number(v.tolerance)}, ${v['argmax-mismatches']} argmax mismatches on`
      + ` ${v['probe-batch']} probe images · ${m.precision}, opset ${m.opset}`)]);
  rows.push(['Made', `${m['created-at'].slice(0, 19).replace('T', ' ')} UTC, `
    + (m.training ? `from training request ${m.training['request-id']}`
      : 'by bin/medlora export (no training request)')]);
  const card = el(serving ? 'section' : 'details', {class: 'card', 'data-version': m.version},
    el(serving ? 'h4' : 'summary', {}, `Version ${m.version}`, serving ? ' (serving)' : ''),
    el('dl', {}, rows.map(([k, val]) => [el('dt', {}, k), el('dd', {}, val)])),
    metricsTable(m.metrics),
    curves(m.history));
  return card;
}

function metricsTable(metrics) {
  const names = Object.keys(metrics || {});
  if (names.length === 0) return el('p', {class: 'muted'}, 'No metrics recorded.');
  return el('table', {class: 'metrics'},
    el('tbody', {}, names.map(n => el('tr', {}, el('th', {}, n), el('td', {}, number(metrics[n]))))));
}

// ---- learning curves ----

/** Per phase, one chart of the losses and one of the other metrics, against the epoch. */
function curves(history) {
  const box = el('div', {class: 'curves'});
  if (!Array.isArray(history) || history.length === 0) {
    box.append(el('p', {class: 'muted no-history'}, 'No per-epoch history in this manifest.'));
    return box;
  }
  const phases = [...new Set(history.map(h => h.phase))];
  for (const phase of phases) {
    const epochs = history.filter(h => h.phase === phase).sort((a, b) => a.epoch - b.epoch);
    const names = [...new Set(epochs.flatMap(h => Object.keys(h.metrics || {})))];
    const losses = names.filter(n => n.includes('loss'));
    const scores = names.filter(n => !n.includes('loss'));
    for (const [title, group] of [['loss', losses], ['metrics', scores]]) {
      if (group.length > 0) box.append(chart(`${phase}: ${title}`, epochs, group));
    }
  }
  return box;
}

function chart(title, epochs, names) {
  const W = 300, H = 150, L = 44, R = 8, T = 18, B = 24;
  const xs = epochs.map(h => h.epoch);
  const values = epochs.flatMap(h => names.map(n => h.metrics[n])).filter(Number.isFinite);
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi === lo) { lo -= 0.5; hi += 0.5; }
  const x0 = Math.min(...xs), x1 = Math.max(...xs);
  const x = e => L + (x1 === x0 ? (W - L - R) / 2 : (e - x0) / (x1 - x0) * (W - L - R));
  const y = v => T + (hi - v) / (hi - lo) * (H - T - B);
  const svg = el('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title},
    el('text', {x: L, y: 12, class: 'title'}, title),
    el('line', {x1: L, y1: T, x2: L, y2: H - B, class: 'axis'}),
    el('line', {x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis'}),
    el('text', {x: L - 4, y: T + 4, class: 'tick', 'text-anchor': 'end'}, number(hi)),
    el('text', {x: L - 4, y: H - B, class: 'tick', 'text-anchor': 'end'}, number(lo)),
    el('text', {x: x(x0), y: H - 8, class: 'tick', 'text-anchor': 'middle'}, x0),
    el('text', {x: x(x1), y: H - 8, class: 'tick', 'text-anchor': 'middle'}, x1),
    el('text', {x: (L + W - R) / 2, y: H - 2, class: 'tick', 'text-anchor': 'middle'}, 'epoch'));
  names.forEach((n, i) => {
    const points = epochs.filter(h => Number.isFinite(h.metrics[n]))
      .map(h => `${x(h.epoch).toFixed(1)},${y(h.metrics[n]).toFixed(1)}`);
    svg.append(el('polyline', {points: points.join(' '), fill: 'none',
      stroke: CURVE_COLOURS[i % CURVE_COLOURS.length], 'stroke-width': 2, 'data-metric': n}));
  });
  return el('figure', {},
    svg,
    el('figcaption', {}, names.map((n, i) => el('span', {class: 'key'},
      el('i', {style: `background:${CURVE_COLOURS[i % CURVE_COLOURS.length]}`}), n))));
}

// ---- trying a model on an image ----

function showTasks() {
  const select = $('task');
  const previous = select.value;
  select.replaceChildren(...models.filter(m => m.version).map(m =>
    el('option', {value: m.task}, `${m.task} (${m.kind}, v${m.version})`)));
  if (models.some(m => m.task === previous && m.version)) select.value = previous;
}

async function run() {
  const file = $('image').files[0];
  const model = models.find(m => m.task === $('task').value);
  if (!file || !model) return;
  const status = $('try-status');
  const result = $('result');
  result.replaceChildren();
  status.textContent = `Sending ${file.name} to ${model.task}…`;
  const body = {method: 'POST', body: file,
    headers: {'Content-Type': file.type || 'application/octet-stream'}};
  const path = `/v1/models/${encodeURIComponent(model.task)}`;
  try {
    if (model.kind === 'classification') {
      const answer = await (await api(`${path}/classify`, body)).json();
      result.replaceChildren(probabilities(answer));
    } else {
      const answer = await (await api(`${path}/segment?format=json`, body)).json();
      // The mask from the version that answered, so that areas and overlay agree.
      const mask = await (await api(`${path}/segment?format=png&version=${answer.version}`, body)).blob();
      result.replaceChildren(await segmentation(file, answer, mask));
    }
    status.textContent = `${file.name}: answered by ${model.task} v${result.firstChild.dataset.version}.`;
  } catch (e) {
    if (e instanceof AuthError) { askForKey(e.message); return; }
    status.textContent = '';
    result.replaceChildren(el('p', {class: 'error'}, e.message));
  }
}

function probabilities(answer) {
  const names = Object.keys(answer.probabilities)
    .sort((a, b) => answer.probabilities[b] - answer.probabilities[a]);
  return el('div', {class: 'classification', 'data-version': answer.version},
    el('p', {class: 'label'}, answer.label, ' ', el('span', {class: 'muted'}, percent(answer.score))),
    el('table', {class: 'probabilities'}, el('tbody', {}, names.map(n => {
      const p = answer.probabilities[n];
      return el('tr', {'data-class': n, 'data-probability': p},
        el('th', {}, n),
        el('td', {class: 'bar'}, el('meter', {min: 0, max: 1, value: p})),
        el('td', {}, percent(p)));
    }))));
}

/** The image, the mask in class colours over it (opacity slider), boxes, and a legend. */
async function segmentation(file, answer, maskPng) {
  const image = await createImageBitmap(file);
  // Exact class indices: no colour management or premultiplication on the label mask.
  const mask = await createImageBitmap(maskPng, {colorSpaceConversion: 'none', premultiplyAlpha: 'none'});
  const w = answer.width, h = answer.height;
  const base = el('canvas', {width: w, height: h, class: 'layer'});
  base.getContext('2d').drawImage(image, 0, 0, w, h);
  const overlay = el('canvas', {width: w, height: h, class: 'layer overlay', id: 'overlay'});
  const octx = overlay.getContext('2d');
  octx.drawImage(mask, 0, 0);
  const pixels = octx.getImageData(0, 0, w, h);
  const colours = answer.classes.map(c => c['overlay-colour'] && rgb(c['overlay-colour']));
  const drawn = new Array(answer.classes.length).fill(0);
  for (let i = 0; i < w * h; i++) {
    const c = pixels.data[4 * i];
    drawn[c] = (drawn[c] || 0) + 1;
    const colour = colours[c];
    pixels.data.set(colour ? [...colour, 255] : [0, 0, 0, 0], 4 * i);
  }
  octx.putImageData(pixels, 0, 0);
  const boxes = el('svg', {viewBox: `0 0 ${w} ${h}`, class: 'layer boxes', preserveAspectRatio: 'none'},
    answer.classes.filter(c => c.bbox && c['overlay-colour']).map(c =>
      el('rect', {x: c.bbox.x + 0.5, y: c.bbox.y + 0.5, width: c.bbox.width - 1,
        height: c.bbox.height - 1, fill: 'none', stroke: c['overlay-colour'],
        'stroke-width': Math.max(1.5, w / 250), 'vector-effect': 'non-scaling-stroke',
        'stroke-dasharray': '6 3'})));
  const slider = el('input', {type: 'range', id: 'opacity', min: 0, max: 100, value: 45,
    oninput: e => { overlay.style.opacity = e.target.value / 100; }});
  overlay.style.opacity = 0.45;
  return el('div', {class: 'segmentation', 'data-version': answer.version},
    el('div', {class: 'stack', style: `aspect-ratio:${w}/${h}`}, base, overlay, boxes),
    el('label', {class: 'row slider'}, 'Mask opacity', slider),
    el('table', {class: 'legend', id: 'legend'},
      el('thead', {}, el('tr', {}, ['', 'Class', 'Area (pixels)', 'Share', 'Bounding box (x, y, w × h)']
        .map(t => el('th', {}, t)))),
      el('tbody', {}, answer.classes.map((c, i) => el('tr', {'data-class': c.name,
          'data-pixels': c.pixels, 'data-drawn-pixels': drawn[i] || 0,
          'data-bbox': c.bbox ? [c.bbox.x, c.bbox.y, c.bbox.width, c.bbox.height].join(',') : ''},
        el('td', {}, el('i', {class: 'swatch', style: c['overlay-colour']
          ? `background:${c['overlay-colour']}` : ''})),
        el('td', {}, c.name),
        el('td', {class: 'num'}, c.pixels.toLocaleString('en')),
        el('td', {class: 'num'}, percent(c.fraction)),
        el('td', {}, c.bbox ? `${c.bbox.x}, ${c.bbox.y}, ${c.bbox.width} × ${c.bbox.height}` : '—'))))),
    el('p', {class: 'muted'}, `${w} × ${h} pixels; background is not coloured.`));
}

function rgb(hex) {
  return [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
}

// ---- training jobs, live ----

const jobs = new Map();

/** Reads the server-sent events of /v1/jobs/events (fetch, since EventSource sends no key). */
async function followJobs() {
  let response;
  try {
    response = await api('/v1/jobs/events', {headers: {Accept: 'text/event-stream'}});
  } catch (e) {
    if (e.status === 404) return; // the service does not follow Kafka: no jobs to show
    setTimeout(followJobs, 5000);
    return;
  }
  $('jobs').hidden = false;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer.slice(0, end).split('\n')
          .filter(l => l.startsWith('data:')).map(l => l.slice(5).replace(/^ /, '')).join('\n');
        buffer = buffer.slice(end + 2);
        if (data) jobEvent(JSON.parse(data));
      }
    }
  } catch (e) { /* connection lost: follow again */ }
  setTimeout(followJobs, 5000);
}

function jobEvent(event) {
  jobs.set(event['request-id'], event);
  if (event.type === 'completed') {
    // A new version was published: show it.
    api('/v1/models').then(r => r.json()).then(body => {
      models = body.models;
      showTasks();
      showModels();
    }).catch(() => {});
  }
  renderJobs();
}

function renderJobs() {
  const list = $('job-list');
  list.replaceChildren(...[...jobs.values()].map(e => {
    const head = el('div', {class: 'row'}, el('strong', {}, e['request-id']),
      el('span', {class: 'muted'}, e.task), el('span', {class: 'badge ' + e.type}, e.type));
    const item = el('li', {'data-request-id': e['request-id'], 'data-type': e.type}, head);
    if (e.type === 'progress') {
      const metrics = Object.entries(e.metrics).map(([k, v]) => `${k} ${number(v)}`).join(' · ');
      item.append(
        el('progress', {max: e['total-epochs'], value: e.epoch}),
        el('p', {class: 'muted'}, `${e.phase}: epoch ${e.epoch} of ${e['total-epochs']} · `
          + `${e['epoch-seconds'].toFixed(1)} s/epoch · about ${Math.ceil(e['eta-seconds'])} s left`
          + (metrics ? ' · ' + metrics : '')));
    } else if (e.type === 'accepted') {
      item.append(el('progress', {}), el('p', {class: 'muted'}, `attempt ${e.attempt}: started`));
    } else if (e.type === 'completed') {
      item.append(el('p', {class: 'ok'}, `published ${e['model-path']}`));
    } else {
      item.append(el('p', {class: 'error'}, e.reason + (e.hint ? ' — ' + e.hint : '')));
    }
    return item;
  }));
  $('jobs-empty').hidden = jobs.size > 0;
}

// ---- wiring ----

document.addEventListener('DOMContentLoaded', () => {
  $('key-form').addEventListener('submit', e => {
    e.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('api-key').value.trim());
    $('api-key').value = '';
    start();
  });
  $('forget-key').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    location.reload();
  });
  $('image').addEventListener('change', run);
  $('task').addEventListener('change', run);
  start();
});
