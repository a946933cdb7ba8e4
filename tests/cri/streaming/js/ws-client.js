'use strict';
// An exec client built on npm's `ws` (not our code) for crix's WebSocket
// interop tests. Usage: node ws-client.js SCENARIO PORT
// It prints one JSON object per line ({"event": ...}) and exits 0 when the
// scenario ran to its end, 1 on a client error, 2 on its own timeout.
//
// Scenarios (the server is tests/cri/streaming/websocket/LoopbackWsServer):
//   exec          v5 then v4 offered; stdin: a line, 1 MiB in one message, a
//                 message in two fragments; a ping; then v5's stdin close
//                 signal [255, 0]; reads echoes, the error-channel Status
//                 and the server's close.
//   refused       only v3.channel.k8s.io offered (kubelet has no v3 over
//                 WebSocket): prints the HTTP status it got.
//   client-close  v4; one stdin message, then the client closes (1000).
//   base64        v4.base64.channel.k8s.io; text frames, base64 payloads.
//   no-protocol   no subprotocol offered at all; one echo, client closes.
//   too-big       v5; one 2 MiB stdin message, more than the server takes:
//                 expects the server to fail the connection with 1009.

const crypto = require('crypto');
const path = require('path');
const WebSocket = require(path.join(__dirname, 'node_modules', 'ws'));

const [scenario, port] = process.argv.slice(2);
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const STDIN = 0, STDOUT = 1, ERROR = 3, CLOSE_SIGNAL = 255;

const timer = setTimeout(() => {
  emit({ event: 'timeout' });
  process.exit(2);
}, 20000);

const offered = {
  exec: ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
  refused: ['v3.channel.k8s.io'],
  'client-close': ['v4.channel.k8s.io'],
  base64: ['v4.base64.channel.k8s.io'],
  'no-protocol': undefined,
  'too-big': ['v5.channel.k8s.io'],
}[scenario];
if (!(scenario in { exec: 1, refused: 1, 'client-close': 1, base64: 1, 'no-protocol': 1, 'too-big': 1 })) {
  emit({ event: 'error', message: 'unknown scenario ' + scenario });
  process.exit(1);
}

const ws = new WebSocket(`ws://127.0.0.1:${port}/exec/TOKEN`, offered);

function channelMessage(channel, data) {
  return Buffer.concat([Buffer.from([channel]), Buffer.from(data)]);
}

// Everything sent on stdin, and everything read back on stdout.
const sent = [];
const received = [];
let ready = false;

function sendStdin(data, options) {
  sent.push(Buffer.from(data));
  ws.send(channelMessage(STDIN, data), options);
}

function runExec() {
  sendStdin('hello\n');
  const big = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 131 + 7) & 0xff;
  sendStdin(big);
  // One message in two fragments: ws sends the first with FIN clear.
  sent.push(Buffer.from('fragmented\n'));
  ws.send(Buffer.concat([Buffer.from([STDIN]), Buffer.from('frag')]), { fin: false });
  ws.send(Buffer.from('mented\n'), { fin: true });
  ws.ping(Buffer.from('cli'));
}

ws.on('unexpected-response', (req, res) => {
  emit({
    event: 'refused',
    status: res.statusCode,
    protocolHeader: res.headers['sec-websocket-protocol'] || null,
  });
  req.destroy();
  clearTimeout(timer);
  process.exit(0);
});

ws.on('open', () => {
  emit({ event: 'open', protocol: ws.protocol, extensions: ws.extensions });
});

ws.on('ping', (data) => emit({ event: 'ping', data: data.toString() }));
ws.on('pong', (data) => {
  emit({ event: 'pong', data: data.toString() });
  if (scenario === 'exec') ws.send(Buffer.from([CLOSE_SIGNAL, STDIN]));
});

ws.on('message', (data, isBinary) => {
  if (scenario === 'base64') {
    const text = data.toString();
    const channel = text.charCodeAt(0) - 48;
    const payload = Buffer.from(text.slice(1), 'base64');
    emit({ event: 'message', binary: isBinary, channel, raw: text, decoded: payload.toString() });
    if (!ready && channel === STDOUT && payload.length === 0) {
      ready = true;
      ws.send('0' + Buffer.from('hi there').toString('base64'));
    } else if (channel === STDOUT) {
      ws.close(1000, 'client done');
    }
    return;
  }
  if (!isBinary || data.length === 0) {
    emit({ event: 'bad-message', binary: isBinary, length: data.length });
    return;
  }
  const channel = data[0];
  const payload = data.subarray(1);
  if (channel === STDOUT) {
    if (!ready && payload.length === 0) {
      ready = true;
      emit({ event: 'ready' });
      if (scenario === 'exec') runExec();
      else if (scenario === 'too-big') ws.send(channelMessage(STDIN, Buffer.alloc(2 * 1024 * 1024, 0x61)));
      else sendStdin('x');
      return;
    }
    received.push(Buffer.from(payload));
    if (scenario !== 'exec') ws.close(1000, 'client done');
  } else if (channel === ERROR) {
    emit({ event: 'error-channel', status: JSON.parse(payload.toString()) });
  } else {
    emit({ event: 'other-channel', channel, length: payload.length });
  }
});

ws.on('close', (code, reason) => {
  const sentAll = Buffer.concat(sent);
  const got = Buffer.concat(received);
  const hash = (b) => crypto.createHash('sha256').update(b).digest('hex');
  emit({
    event: 'stdout',
    sentBytes: sentAll.length,
    receivedBytes: got.length,
    matches: hash(sentAll) === hash(got),
    messages: received.length,
  });
  emit({ event: 'close', code, reason: reason.toString() });
  clearTimeout(timer);
  process.exit(0);
});

ws.on('error', (err) => {
  emit({ event: 'error', message: err.message });
  clearTimeout(timer);
  process.exit(1);
});
