'use strict'
// Drives crix's SPDY/3.1 server with npm's spdy-transport, an implementation
// that is not ours, the way kubelet's clients use SPDY: the client opens
// every stream, names its role in a `streamtype` header, sends data and
// half-closes. Prints one JSON object per line on stdout; exits 0 when the
// scenario ran to its end, 1 (after a {"event":"failure"} line) otherwise.
//
//   node spdy-client.js PORT SCENARIO
//
// Scenarios (the C++ test server behaves accordingly):
//   exec        error, stdin and stdout streams; 1 MiB on stdin comes back on
//               stdout; the error stream carries a status and FIN
//   concurrent  8 streams at once, each echoing 256 KiB
//   many        100 port-forward style streams with distinct headers
//   ping        client pings (and answers the server's ping), then one echo
//   reset       the server refuses one stream; the client aborts another

const net = require('net')
const crypto = require('crypto')
const transport = require('spdy-transport')

const [port, scenario] = process.argv.slice(2)

function emit (obj) { process.stdout.write(JSON.stringify(obj) + '\n') }
function fail (message) {
  emit({ event: 'failure', message: String(message) })
  process.exit(1)
}
setTimeout(() => fail('scenario timed out'), 30000).unref()

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex')

const socket = net.connect(Number(port), '127.0.0.1')
socket.on('error', (e) => fail('socket: ' + e.message))
// A 64 KiB window (not spdy-transport's 1 MiB default) so that the server's
// data needs our WINDOW_UPDATEs to get through.
const conn = transport.connection.create(socket, { protocol: 'spdy', isServer: false, windowSize: 64 * 1024 })
conn.start(3.1)
conn.on('error', (e) => fail('connection: ' + e.message))

// Opens a stream; resolves with it once the server's SYN_REPLY came.
function open (headers) {
  return new Promise((resolve, reject) => {
    const stream = conn.request({ method: 'POST', path: '/', headers })
    stream.on('error', reject)
    stream.on('response', (status, replyHeaders) => resolve({ stream, status, replyHeaders }))
  })
}

// Resolves with everything the stream delivers up to the server's FIN.
function collect (stream) {
  return new Promise((resolve, reject) => {
    const chunks = []
    stream.on('data', (c) => chunks.push(c))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

function write (stream, data) {
  // In slices, like a terminal or a pipe would.
  for (let i = 0; i < data.length; i += 32 * 1024) stream.write(data.subarray(i, i + 32 * 1024))
  stream.end()
}

async function echo (headers, payload) {
  const { stream, status, replyHeaders } = await open(headers)
  const received = collect(stream)
  write(stream, payload)
  const back = await received
  return { status, replyHeaders, ok: back.equals(payload), bytes: back.length }
}

function end () {
  return new Promise((resolve) => {
    conn.end(() => resolve())
    setTimeout(resolve, 2000).unref()
  })
}

const scenarios = {
  async exec () {
    const error = await open({ streamtype: 'error' })
    const stdin = await open({ streamtype: 'stdin' })
    const stdout = await open({ streamtype: 'stdout' })
    for (const [name, s] of [['error', error], ['stdin', stdin], ['stdout', stdout]]) {
      emit({ event: 'reply', stream: name, status: s.status })
    }
    stdin.stream.on('data', () => fail('data on stdin'))
    const out = collect(stdout.stream)
    const err = collect(error.stream)
    const payload = crypto.randomBytes(1 << 20)
    write(stdin.stream, payload)
    const back = await out
    emit({ event: 'stdout', bytes: back.length, match: sha256(back) === sha256(payload) })
    emit({ event: 'error', text: (await err).toString() })
  },

  async concurrent () {
    const results = await Promise.all([...Array(8).keys()].map((i) =>
      echo({ streamtype: 'echo', index: String(i) }, crypto.randomBytes(256 * 1024))))
    results.forEach((r, i) => emit({ event: 'echo', index: i, bytes: r.bytes, match: r.ok }))
  },

  async many () {
    const results = await Promise.all([...Array(100).keys()].map((i) =>
      echo({ streamtype: 'data', port: String(1000 + i), requestid: String(i) }, Buffer.from('hello ' + i))))
    let headersOk = 0
    let dataOk = 0
    results.forEach((r, i) => {
      if (r.replyHeaders['x-port'] === String(1000 + i) && r.replyHeaders['x-requestid'] === String(i)) headersOk++
      if (r.ok) dataOk++
    })
    emit({ event: 'many', streams: results.length, headersOk, dataOk })
  },

  async ping () {
    const serverPinged = new Promise((resolve) => conn.once('ping', resolve))
    for (let i = 0; i < 3; i++) {
      const started = process.hrtime.bigint()
      await new Promise((resolve) => conn.ping(resolve))
      emit({ event: 'pong', index: i, micros: Number((process.hrtime.bigint() - started) / 1000n) })
    }
    await serverPinged
    emit({ event: 'server-ping' })
    const r = await echo({ streamtype: 'echo' }, Buffer.from('after pings'))
    emit({ event: 'echo', match: r.ok })
  },

  async reset () {
    try {
      await open({ streamtype: 'reset-me' })
      fail('the server did not reset the stream')
    } catch (e) {
      emit({ event: 'refused', message: e.message })
    }
    const { stream } = await open({ streamtype: 'echo', name: 'aborted' })
    stream.write('some bytes')
    await new Promise((resolve) => stream.once('data', resolve))
    stream.abort()
    emit({ event: 'aborted' })
    const r = await echo({ streamtype: 'echo' }, Buffer.from('still working'))
    emit({ event: 'echo', match: r.ok })
  }
}

const run = scenarios[scenario]
if (!run) fail('unknown scenario ' + scenario)
run().then(end).then(() => {
  emit({ event: 'done' })
  process.exit(0)
}, fail)
