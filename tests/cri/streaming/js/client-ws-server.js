'use strict';
// A kubelet-like streaming server built on npm's `ws` (not our code), for
// the tests of crix's WebSocket *client* (WebSocketClientConnection and
// crixctl's exec/attach/port-forward relays).
// Usage: node client-ws-server.js SCENARIO [CONNECTIONS [CERT KEY [CA]]]
// With CERT and KEY it serves https (wss); with CA too it demands a client
// certificate signed by that CA.
// Listens on 127.0.0.1 at a port the kernel picks and prints
// {"event":"listening","port":N}; then one JSON object per line for what it
// sees. Exits 0 once CONNECTIONS (default 1) connections have closed, 2 on
// its own 20 s timeout.
//
// Scenarios:
//   exec-v5   picks v5.channel.k8s.io when offered. Sends the empty "ready"
//             stdout message and a ping; echoes stdin (channel 0) on stdout;
//             a stdin message "frag\n" is answered with a stdout message in
//             three fragments; resize messages (channel 4) are reported.
//             On the close signal [255, 0] it writes "bye\n" on stderr, the
//             Status on channel 3 (Success, or NonZeroExitCode N when stdin
//             held a line "exit N") and closes with 1000.
//   exec-v4   picks v4.channel.k8s.io even when v5 is offered first; like
//             exec-v5, but the Status is sent when stdin holds "exit N\n"
//             (v4 has no close signal).
//   failure   v5; on the close signal a Failure Status with a message.
//   refuse    refuses the upgrade with 403 and a text body.
//   client-close  v5; reports the client's close code and reason.
//   portforward   v4.channel.k8s.io; the port from ?port= prefixes both
//             channels; data on channel 0 comes back upper-cased; data
//             holding "error" gets "boom: <data>" on channel 1 instead.

const fs = require('fs');
const https = require('https');
const path = require('path');
const WebSocket = require(path.join(__dirname, 'node_modules', 'ws'));

const [scenario, connectionsArg, certFile, keyFile, caFile] = process.argv.slice(2);
const expected = Number(connectionsArg || '1');
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const scenarios = ['exec-v5', 'exec-v4', 'failure', 'refuse', 'client-close', 'portforward'];
if (!scenarios.includes(scenario)) {
  emit({ event: 'error', message: 'unknown scenario ' + scenario });
  process.exit(1);
}

const timer = setTimeout(() => {
  emit({ event: 'timeout' });
  process.exit(2);
}, 20000);

const STDIN = 0, STDOUT = 1, STDERR = 2, ERROR = 3, RESIZE = 4, CLOSE_SIGNAL = 255;

function pick(offered, wanted) {
  for (const name of wanted) if (offered.has(name)) return name;
  return false;
}

const tlsServer = certFile
  ? https.createServer({
      cert: fs.readFileSync(certFile),
      key: fs.readFileSync(keyFile),
      ca: caFile ? fs.readFileSync(caFile) : undefined,
      requestCert: Boolean(caFile),
      rejectUnauthorized: Boolean(caFile),
    })
  : null;
if (tlsServer) tlsServer.on('tlsClientError', (err) => emit({ event: 'tls-error', message: err.message }));

const server = new WebSocket.Server({
  ...(tlsServer ? { server: tlsServer } : { host: '127.0.0.1', port: 0 }),
  maxPayload: 4 * 1024 * 1024,
  handleProtocols: (offered) => {
    if (scenario === 'exec-v4') return pick(offered, ['v4.channel.k8s.io']);
    if (scenario === 'portforward') return pick(offered, ['v4.channel.k8s.io']);
    return pick(offered, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  },
  verifyClient: (info, done) => {
    if (scenario !== 'refuse') return done(true);
    done(false, 403, 'streaming refused by the test server');
    // A refused upgrade opens no connection: the refusal counts as one.
    emit({ event: 'refused' });
    setImmediate(connectionClosed);
    return undefined;
  },
});

let closed = 0;
function connectionClosed() {
  closed += 1;
  if (closed >= expected) {
    clearTimeout(timer);
    server.close();
    if (tlsServer) tlsServer.close();
    setImmediate(() => process.exit(0));
  }
}

if (tlsServer) {
  tlsServer.listen(0, '127.0.0.1', () => emit({ event: 'listening', port: tlsServer.address().port, tls: true }));
} else {
  server.on('listening', () => emit({ event: 'listening', port: server.address().port }));
}
server.on('wsClientError', (err) => emit({ event: 'client-error', message: err.message }));

function send(ws, channel, data) {
  ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
}

function exitCodeIn(text) {
  const match = /exit (\d+)\n/.exec(text);
  return match ? Number(match[1]) : null;
}

function status(code) {
  if (code === null || code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function serveExec(ws) {
  let stdin = '';
  let stdinBytes = 0;
  let messages = 0;
  const finish = () => {
    send(ws, STDERR, 'bye\n');
    const body =
      scenario === 'failure'
        ? { metadata: {}, status: 'Failure', message: 'container not running (test)', reason: 'InternalError' }
        : status(exitCodeIn(stdin));
    send(ws, ERROR, JSON.stringify(body));
    ws.close(1000, 'done');
  };
  send(ws, STDOUT, '');
  ws.ping(Buffer.from('srv'));
  ws.on('pong', (data) => emit({ event: 'pong', data: data.toString() }));
  ws.on('message', (data, isBinary) => {
    if (!isBinary || data.length === 0) {
      emit({ event: 'bad-message', binary: isBinary, length: data.length });
      return;
    }
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === STDIN) {
      messages += 1;
      stdinBytes += payload.length;
      stdin += payload.toString('latin1');
      if (payload.toString() === 'frag\n') {
        ws.send(Buffer.from([STDOUT, 0x61, 0x62]), { fin: false });
        ws.send(Buffer.from('cd'), { fin: false });
        ws.send(Buffer.from('ef\n'), { fin: true });
        return;
      }
      send(ws, STDOUT, payload);
      if (scenario === 'exec-v4' && exitCodeIn(stdin) !== null) {
        emit({ event: 'stdin', bytes: stdinBytes, messages });
        finish();
      }
    } else if (channel === RESIZE) {
      emit({ event: 'resize', size: JSON.parse(payload.toString()) });
    } else if (channel === CLOSE_SIGNAL && payload.length === 1 && payload[0] === STDIN) {
      emit({ event: 'stdin-closed' });
      emit({ event: 'stdin', bytes: stdinBytes, messages });
      finish();
    } else {
      emit({ event: 'other-channel', channel, length: payload.length });
    }
  });
}

function servePortForward(ws, req) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const port = Number(url.searchParams.get('port'));
  const prefix = Buffer.from([port & 0xff, port >> 8]);
  send(ws, 0, prefix);
  send(ws, 1, prefix);
  ws.on('message', (data) => {
    const channel = data[0];
    const payload = data.subarray(1).toString();
    emit({ event: 'data', channel, payload });
    if (payload.includes('error')) send(ws, 1, 'boom: ' + payload);
    else send(ws, 0, payload.toUpperCase());
  });
}

server.on('connection', (ws, req) => {
  emit({
    event: 'open',
    protocol: ws.protocol,
    url: req.url,
    host: req.headers.host,
    offered: req.headers['sec-websocket-protocol'] || null,
    tls: Boolean(req.socket.encrypted),
    clientCertificate: req.socket.encrypted ? req.socket.getPeerCertificate().subject?.CN || null : null,
  });
  ws.on('close', (code, reason) => {
    emit({ event: 'close', code, reason: reason.toString() });
    connectionClosed();
  });
  ws.on('error', (err) => emit({ event: 'ws-error', message: err.message }));
  if (scenario === 'portforward') servePortForward(ws, req);
  else if (scenario === 'client-close') {
    ws.on('message', (data) => emit({ event: 'message', length: data.length }));
  } else serveExec(ws);
});
