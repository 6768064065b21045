// Live view of emotion-stream: one snapshot per server-sent event, drawn with Chart.js.
'use strict';

const EMOTIONS = ['ANGRY', 'DISGUST', 'FEAR', 'HAPPY', 'SAD', 'SURPRISE', 'NEUTRAL'];
const EMOTION_COLOURS = ['#dc2626', '#65a30d', '#7c3aed', '#f59e0b', '#2563eb', '#db2777', '#6b7280'];
const VERSION_COLOURS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#4b5563'];

const percent = (x) => (x === null || x === undefined ? '-' : (x * 100).toFixed(1) + '%');
const fixed = (x, digits) => (x === null || x === undefined ? '-' : x.toFixed(digits));
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  cells.forEach((cell) => tr.appendChild(element('td', String(cell))));
  return tr;
}

const charts = {
  distribution: new Chart(document.getElementById('distribution-chart'), {
    type: 'bar',
    data: { labels: EMOTIONS.map((e) => e.toLowerCase()),
      datasets: [{ label: 'events in window', data: EMOTIONS.map(() => 0), backgroundColor: EMOTION_COLOURS }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  }),
  accuracy: new Chart(document.getElementById('accuracy-chart'), {
    type: 'line',
    data: { datasets: [] },
    options: { animation: false, maintainAspectRatio: false, parsing: false,
      scales: { x: { type: 'linear', ticks: { callback: (v) => clock(v) }, title: { display: true, text: 'window end' } },
        y: { min: 0, max: 1, ticks: { callback: (v) => (v * 100).toFixed(0) + '%' } } } },
  }),
  loss: new Chart(document.getElementById('loss-chart'), {
    type: 'line',
    data: { labels: [], datasets: [
      { label: 'train loss', data: [], borderColor: '#2563eb', backgroundColor: '#2563eb' },
      { label: 'validation loss', data: [], borderColor: '#dc2626', backgroundColor: '#dc2626' }] },
    options: { animation: false, maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: 'epoch' } }, y: { beginAtZero: true } } },
  }),
  trainingAccuracy: new Chart(document.getElementById('training-accuracy-chart'), {
    type: 'line',
    data: { labels: [], datasets: [
      { label: 'train accuracy', data: [], borderColor: '#16a34a', backgroundColor: '#16a34a' },
      { label: 'validation accuracy', data: [], borderColor: '#9333ea', backgroundColor: '#9333ea' }] },
    options: { animation: false, maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: 'epoch' } }, y: { min: 0, max: 1 } } },
  }),
};

function showModel(model) {
  const metrics = document.getElementById('model-metrics');
  metrics.replaceChildren();
  if (!model) return;
  document.getElementById('model-version').textContent = `${model.modelName} v${model.version}`;
  const facts = [
    ['run', `${model.runId} (epoch ${model.epoch}/${model.totalEpochs})`],
    ['validation accuracy', percent(model.validationAccuracy)],
    ['validation loss', fixed(model.validationLoss, 4)],
    ['train accuracy', percent(model.trainAccuracy)],
    ['train loss', fixed(model.trainLoss, 4)],
    ['optimizer', `${model.optimizer}, lr ${model.learningRate}, batch ${model.batchSize}`],
    ['created', new Date(model.createdTimeMs).toLocaleString()],
  ];
  facts.forEach(([name, value]) => {
    metrics.appendChild(element('dt', name));
    metrics.appendChild(element('dd', value));
  });
}

function showEvents(events) {
  document.getElementById('events-rate').textContent = events.perSecond.toFixed(1);
  document.getElementById('events-detail').textContent =
    `${events.count} in the last ${events.windowSeconds}s, ${events.totalSeen} since this page's server started`;
  charts.distribution.data.datasets[0].data = EMOTIONS.map((e) => events.byEmotion[e] || 0);
  charts.distribution.update('none');
}

// A version's part in the latest serving decision, shown beside its accuracy: 'serving', 'candidate' or ''.
function role(serving, version) {
  if (!serving) return '';
  if (serving.served.version === version) return 'serving';
  return serving.candidateVersion === version ? 'candidate' : '';
}

const withRole = (serving, version) => (role(serving, version) ? `v${version} (${role(serving, version)})` : `v${version}`);

function showServing(serving, decisions) {
  const facts = document.getElementById('serving-facts');
  facts.replaceChildren();
  document.querySelector('#serving-decisions tbody').replaceChildren(...decisions.map((d) => {
    const tr = row([clock(d.timeMs), d.decision, `v${d.served.version}`,
      d.candidateVersion === null ? '-' : `v${d.candidateVersion}`, d.reason]);
    tr.dataset.decision = d.decision;
    return tr;
  }));
  document.getElementById('serving-version').textContent =
    serving ? `${serving.modelName} v${serving.served.version} serves` : 'no serving decision yet';
  if (!serving) return;
  const compared = serving.comparedFrames === 0 ? 'no labelled frame compared yet'
    : `${percent(serving.candidateAccuracy)} against ${percent(serving.servingAccuracy)} on ${serving.comparedFrames} labelled frames`;
  [
    ['candidate', serving.candidateVersion === null ? 'none' : `v${serving.candidateVersion}: ${compared}`],
    ['policy', serving.policy],
    ['last decision', `${serving.decision} at ${new Date(serving.timeMs).toLocaleString()}`],
    ['reason', serving.reason],
    ['served model', `run ${serving.served.runId}, validation accuracy ${percent(serving.served.validationAccuracy)}`],
    ['rollback to', serving.previous ? `v${serving.previous.version}` : 'none'],
  ].forEach(([name, value]) => {
    facts.appendChild(element('dt', name));
    facts.appendChild(element('dd', value));
  });
}

function showAccuracy(versions, serving) {
  charts.accuracy.data.datasets = versions.map((v, i) => ({
    label: withRole(serving, v.modelVersion),
    data: v.history.map((p) => ({ x: p.windowEndMs, y: p.accuracy })),
    borderColor: VERSION_COLOURS[i % VERSION_COLOURS.length],
    backgroundColor: VERSION_COLOURS[i % VERSION_COLOURS.length],
  }));
  charts.accuracy.update('none');
  const body = document.querySelector('#accuracy-table tbody');
  body.replaceChildren(...versions.map((v) => {
    const tr = row([withRole(serving, v.modelVersion), percent(v.latest.accuracy),
      `${v.latest.correct} / ${v.latest.total}`, `${clock(v.latest.windowStartMs)}–${clock(v.latest.windowEndMs)}`]);
    tr.dataset.version = v.modelVersion;
    tr.dataset.role = role(serving, v.modelVersion);
    return tr;
  }));
}

function showRuns(runs) {
  const latest = runs[0];
  const epochs = latest ? latest.epochs : [];
  document.getElementById('run-title').textContent = latest ? `run ${latest.runId}` : 'no run seen yet';
  [charts.loss, charts.trainingAccuracy].forEach((chart) => { chart.data.labels = epochs.map((e) => e.epoch); });
  charts.loss.data.datasets[0].data = epochs.map((e) => e.trainLoss);
  charts.loss.data.datasets[1].data = epochs.map((e) => e.validationLoss);
  charts.trainingAccuracy.data.datasets[0].data = epochs.map((e) => e.trainAccuracy);
  charts.trainingAccuracy.data.datasets[1].data = epochs.map((e) => e.validationAccuracy);
  charts.loss.update('none');
  charts.trainingAccuracy.update('none');
  document.querySelector('#runs-table tbody').replaceChildren(...runs.map((r) => row([
    r.runId, r.state, `${r.epoch}/${r.totalEpochs}`, fixed(r.trainLoss, 4), percent(r.validationAccuracy),
    fixed(r.examplesPerSecond, 0), r.etaSeconds === null ? '-' : `${Math.round(r.etaSeconds)}s`, r.message || ''])));
}

function showFrames(frames) {
  const strip = document.getElementById('frames');
  strip.replaceChildren(...frames.map((f) => {
    const card = element('div', undefined, 'frame');
    card.dataset.frameId = f.frameId;
    if (f.hasImage) {
      const img = element('img');
      img.src = `/frame/${encodeURIComponent(f.frameId)}.png`;
      img.alt = f.frameId;
      card.appendChild(img);
    } else {
      card.appendChild(element('div', undefined, 'blank'));
    }
    const wrong = f.label && f.label !== f.emotion;
    card.appendChild(element('div', `${f.emotion.toLowerCase()} ${percent(f.confidence)}`, wrong ? 'wrong' : ''));
    card.appendChild(element('div', f.label ? `label ${f.label.toLowerCase()}` : f.sourceId, 'small'));
    return card;
  }));
}

const videoUrl = (sourceId) => `/video/${encodeURIComponent(sourceId)}.mjpg`;

// After a lost connection the video streams have ended too (showing their last picture): open them again.
function reopenVideos() {
  document.querySelectorAll('#videos figure').forEach((figure) => {
    figure.querySelector('img').src = `${videoUrl(figure.dataset.sourceId)}?t=${Date.now()}`;
  });
}

// One <img> per source, kept across snapshots: it holds the source's MJPEG stream, which the server
// pushes a picture into for every annotated frame.
function showVideo(sources) {
  document.getElementById('video-card').hidden = sources.length === 0;
  const box = document.getElementById('videos');
  const shown = new Map(Array.from(box.children).map((figure) => [figure.dataset.sourceId, figure]));
  sources.forEach((s) => {
    let figure = shown.get(s.sourceId);
    if (!figure) {
      figure = element('figure', undefined, 'video');
      figure.dataset.sourceId = s.sourceId;
      const img = element('img');
      img.alt = `annotated video of ${s.sourceId}`;
      img.src = videoUrl(s.sourceId);
      // A stream refused (too many open, the server restarting) is asked for again.
      img.onerror = () => setTimeout(() => { img.src = `${videoUrl(s.sourceId)}?t=${Date.now()}`; }, 2000);
      figure.appendChild(img);
      figure.appendChild(element('figcaption'));
      box.appendChild(figure);
    }
    shown.delete(s.sourceId);
    const faces = s.faceCount === 0 ? 'no face' : s.faces.join(', ')
      + (s.faces.length < s.faceCount ? ` (${s.faces.length} of ${s.faceCount} classified)` : '');
    figure.querySelector('figcaption').textContent =
      `${s.sourceId} · frame ${s.sceneIndex} at ${(s.sceneTimeMs / 1000).toFixed(1)} s · ${faces}`;
  });
  shown.forEach((figure) => figure.remove());
}

function show(snapshot) {
  showModel(snapshot.currentModel);
  showEvents(snapshot.events);
  showServing(snapshot.serving, snapshot.servingDecisions);
  showAccuracy(snapshot.accuracy, snapshot.serving);
  showRuns(snapshot.runs);
  showFrames(snapshot.recentFrames);
  showVideo(snapshot.videoSources);
  const problems = snapshot.unreadableRecords ? `, ${snapshot.unreadableRecords} unreadable records` : '';
  document.getElementById('updated').textContent = `updated ${clock(snapshot.timeMs)}${problems}`;
}

function connect() {
  const state = document.getElementById('connection');
  const source = new EventSource('/api/events');
  let lost = false;
  source.addEventListener('snapshot', (message) => {
    if (lost) {
      lost = false;
      reopenVideos();
    }
    state.textContent = 'live';
    state.className = 'state live';
    show(JSON.parse(message.data));
  });
  // EventSource reconnects by itself; say so meanwhile.
  source.onerror = () => {
    lost = true;
    state.textContent = 'reconnecting…';
    state.className = 'state lost';
  };
}

document.getElementById('retrain-form').addEventListener('submit', async (submit) => {
  submit.preventDefault();
  const result = document.getElementById('retrain-result');
  const form = Object.fromEntries(new FormData(submit.target).entries());
  try {
    const response = await fetch('/api/retrain', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(form) });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
    result.className = 'small';
    result.textContent = `sent RETRAIN ${answer.commandId} for ${answer.modelName}; progress shows under Training`;
  } catch (error) {
    result.className = 'small error';
    result.textContent = `not sent: ${error.message}`;
  }
});

connect();
