/**
 * The web demo's page: a file picker and a drop zone, two bars (bytes sent, bytes acknowledged),
 * pause and resume, and the result the server confirmed, with the video's link. Plain HTML and one
 * module script that imports the built `vimeo-tus/browser` file, as any app's page would.
 */

/** What the page is told by its server. */
export interface DemoPageSettings {
  readonly chunkSizeBytes: number;
}

const STYLE = `
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; color: #1a1a1a; }
  h1 { font-size: 1.3rem; }
  #drop { border: 2px dashed #888; border-radius: 8px; padding: 1.5rem; text-align: center; }
  #drop.over { border-color: #1a73e8; background: #eef4fd; }
  .bar { position: relative; height: 1.1rem; background: #e6e6e6; border-radius: 4px; margin: .35rem 0; overflow: hidden; }
  .bar > div { position: absolute; inset: 0 auto 0 0; width: 0; }
  #sent { background: #9cc3f5; } #acked { background: #1a73e8; }
  .row { display: grid; grid-template-columns: 7rem 1fr 11rem; gap: .6rem; align-items: center; }
  .num { font-variant-numeric: tabular-nums; text-align: right; }
  button { font: inherit; padding: .3rem .9rem; margin-right: .4rem; }
  #result.ok { color: #137333; } #result.bad { color: #b3261e; }
  code { background: #f3f3f3; padding: 0 .2rem; }
`;

/** The page's module script (no template values inside except the settings JSON). */
const SCRIPT = `
import { uploadFile } from '/vimeo-tus-browser.js';
const settings = JSON.parse(document.getElementById('settings').textContent);
const $ = (id) => document.getElementById(id);
const MiB = 1024 * 1024;
const fmt = (bytes) => (bytes / MiB).toFixed(1) + ' MiB';

async function ticket(request) {
  const answer = await fetch('/upload-ticket', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = await answer.json();
  if (!answer.ok) throw new Error(body.error || 'ticket refused');
  return body;
}

const state = { file: null, controller: null, upload: null, progress: null, result: null, error: null, events: [], progressLog: [] };

function draw(p) {
  state.progress = p;
  state.progressLog.push([p.bytesSent, p.bytesAcked]);
  $('sent').style.width = (100 * Math.min(p.bytesSent, p.bytesTotal) / p.bytesTotal) + '%';
  $('acked').style.width = (100 * p.bytesAcked / p.bytesTotal) + '%';
  $('sent-num').textContent = fmt(p.bytesSent);
  $('acked-num').textContent = fmt(p.bytesAcked) + ' / ' + fmt(p.bytesTotal);
}

function setStatus(text, cls) {
  $('result').textContent = text;
  $('result').className = cls || '';
}

function start(file) {
  state.file = file;
  state.result = null;
  state.error = null;
  state.controller = new AbortController();
  $('name').textContent = file.name + ' (' + fmt(file.size) + ')';
  $('pause').disabled = false;
  $('resume').disabled = true;
  setStatus('Uploading…');
  const upload = uploadFile(file, {
    ticket,
    signal: state.controller.signal,
    chunkSizeBytes: settings.chunkSizeBytes,
    onProgress: draw,
  });
  state.upload = upload;
  for (const name of ['ticket', 'resumed', 'retry', 'new-version']) {
    upload.on(name, (payload) => state.events.push({ name, payload }));
  }
  upload.on('resumed', () => setStatus('Continuing the earlier upload of this file…'));
  upload.on('retry', (r) => setStatus('Retrying after ' + r.code + ' (try ' + r.attempt + ')…'));
  upload.done.then(confirm, (error) => {
    state.error = { code: error.code, message: error.message };
    $('pause').disabled = true;
    $('resume').disabled = false;
    if (error.code === 'E_ABORTED') setStatus('Paused. Resume continues from the bytes the host acknowledged.');
    else setStatus('Failed (' + error.code + '): ' + error.message, 'bad');
  });
  return upload;
}

async function confirm(done) {
  $('pause').disabled = true;
  setStatus('All bytes acknowledged; the server is confirming…');
  const answer = await fetch('/confirm', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ videoUri: done.videoUri }),
  });
  const report = await answer.json();
  if (!answer.ok) {
    state.error = report;
    setStatus('Not confirmed: ' + report.error, 'bad');
    return;
  }
  state.result = report;
  $('result').className = 'ok';
  $('result').textContent = 'Verified by the server: ' + report.uploadOffset + ' of ' + report.uploadLength +
    ' bytes on the upload host; Vimeo says upload ' + report.uploadStatus.replace('_', ' ') + ' — ';
  const a = document.createElement('a');
  a.href = report.link;
  a.textContent = report.link;
  $('result').append(a);
}

$('picker').addEventListener('change', () => { if ($('picker').files[0]) start($('picker').files[0]); });
$('drop').addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop').classList.remove('over');
  if (e.dataTransfer.files[0]) start(e.dataTransfer.files[0]);
});
$('pause').addEventListener('click', () => state.controller && state.controller.abort());
$('resume').addEventListener('click', () => state.file && start(state.file));
// For the console and the tests.
globalThis.vimeoTus = { uploadFile, ticket, start, state };
document.body.dataset.ready = 'true';
`;

/** The page, with the settings embedded as JSON. */
export function demoPageHtml(settings: DemoPageSettings): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>vimeo-tus: upload from the browser</title>
<style>${STYLE}</style>
</head>
<body>
<h1>vimeo-tus · upload from the browser</h1>
<p>The token stays on the server; the bytes go straight to the (sandbox) upload host.</p>
<div id="drop">Drop a video here, or <input id="picker" type="file" accept="video/*,*/*"></div>
<p id="name">No file yet.</p>
<div class="row"><span>Sent</span><div class="bar"><div id="sent"></div></div><span id="sent-num" class="num">0.0 MiB</span></div>
<div class="row"><span>Acknowledged</span><div class="bar"><div id="acked"></div></div><span id="acked-num" class="num">0.0 MiB</span></div>
<p><button id="pause" disabled>Pause</button><button id="resume" disabled>Resume</button></p>
<p id="result"></p>
<script type="application/json" id="settings">${JSON.stringify(settings)}</script>
<script type="module">${SCRIPT}</script>
</body>
</html>
`;
}
