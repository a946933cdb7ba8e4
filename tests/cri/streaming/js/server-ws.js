'use strict';
// Drives crix's streaming server (cri/streaming/StreamServer) over WebSocket
// with npm's `ws`, an implementation that is not ours, the way kubectl and
// the API server speak kubelet's channel protocols.
//
//   node server-ws.js '{"mode": ..., "url": ..., ...}'
//
// Prints one JSON object per line; the last is {"event":"done", ...} with
// what the server sent, or {"event":"failure"}. Exit 0 when the scenario ran
// to its end, 1 otherwise.
//
// Modes:
//   exec         protocols (list), stdin (text, optional), closeStdin (v5:
//                send the close signal after stdin), resizes ([[w,h],...]).
//                Collects stdout, stderr, the error channel and the first
//                message until the server closes.
//   disconnect   like exec, but drops the TCP connection (no close frame)
//                once the first non-empty stdout message came.
//   portforward  protocols, payload (text): sends it on data channel 0,
//                waits until it came back, then closes (1000). Collects the
//                port prefixes and the error channel.
//   status       only the HTTP answer to the upgrade (a refusal): status code.

const fs = require('fs');
const path = require('path');
const WebSocket = require(path.join(__dirname, 'node_modules', 'ws'));

const spec = JSON.parse(process.argv[2]);
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
function fail (message) {
  emit({ event: 'failure', message: String(message) });
  process.exit(1);
}
setTimeout(() => fail('scenario timed out'), 30000).unref();

// spec.ca: the CA file to trust for a wss:// URL.
const ws = new WebSocket(spec.url, spec.protocols, spec.ca ? { ca: fs.readFileSync(spec.ca) } : {});
const channelMessage = (channel, data) => Buffer.concat([Buffer.from([channel]), Buffer.from(data)]);

const channels = {};
let first = null;
function record (data) {
  const buf = Buffer.from(data);
  const channel = buf[0];
  if (first === null) first = { channel, length: buf.length - 1 };
  if (!channels[channel]) channels[channel] = [];
  channels[channel].push(buf.subarray(1));
  return { channel, payload: buf.subarray(1) };
}
const text = (c) => Buffer.concat(channels[c] || []).toString('latin1');

ws.on('unexpected-response', (req, res) => {
  emit({ event: 'done', httpStatus: res.statusCode });
  process.exit(spec.mode === 'status' ? 0 : 1);
});
ws.on('error', (e) => fail('ws: ' + e.message));

const modes = {
  exec () {
    ws.on('open', () => {
      emit({ event: 'open', protocol: ws.protocol });
      if (spec.stdin !== undefined) ws.send(channelMessage(0, spec.stdin));
      for (const [w, h] of spec.resizes || []) ws.send(channelMessage(4, JSON.stringify({ Width: w, Height: h })));
      if (spec.closeStdin) ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (data) => record(data));
    ws.on('close', (code) => {
      emit({ event: 'done', protocol: ws.protocol, first, stdout: text(1), stderr: text(2), error: text(3), closeCode: code });
      process.exit(0);
    });
  },

  disconnect () {
    ws.on('open', () => {
      if (spec.stdin !== undefined) ws.send(channelMessage(0, spec.stdin));
    });
    ws.on('message', (data) => {
      const { channel, payload } = record(data);
      if (channel === 1 && payload.length > 0) {
        emit({ event: 'done', stdout: text(1) });
        ws._socket.destroy();
        setTimeout(() => process.exit(0), 100);
      }
    });
  },

  portforward () {
    const payload = Buffer.from(spec.payload);
    ws.on('open', () => {
      emit({ event: 'open', protocol: ws.protocol });
    });
    const prefixes = {};
    let echoed = Buffer.alloc(0);
    let sent = false;
    ws.on('message', (data) => {
      const buf = Buffer.from(data);
      const channel = buf[0];
      let body = buf.subarray(1);
      if (!(channel in prefixes)) {
        prefixes[channel] = body.length >= 2 ? body.readUInt16LE(0) : -1;
        body = body.subarray(2);
      }
      if (channel === 1 && body.length > 0) {
        if (!channels[1]) channels[1] = [];
        channels[1].push(body);
      }
      if (channel === 0) echoed = Buffer.concat([echoed, body]);
      if (!sent && 0 in prefixes && 1 in prefixes) {
        sent = true;
        if (spec.dialFails) return;
        ws.send(channelMessage(0, payload));
      }
      if (!spec.dialFails && sent && echoed.length >= payload.length) ws.close(1000);
    });
    ws.on('close', (code) => {
      emit({ event: 'done', protocol: ws.protocol, prefixes, echoed: echoed.toString('latin1'), error: text(1), closeCode: code });
      process.exit(0);
    });
  },

  status () {
    ws.on('open', () => fail('the server accepted the upgrade'));
  }
};

const run = modes[spec.mode];
if (!run) fail('unknown mode ' + spec.mode);
run();
