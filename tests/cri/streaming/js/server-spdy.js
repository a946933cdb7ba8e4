'use strict'
// Drives crix's streaming server (cri/streaming/StreamServer) over SPDY/3.1
// with npm's spdy-transport, an implementation that is not ours: first the
// HTTP/1.1 upgrade by hand (GET, Connection: Upgrade, Upgrade: SPDY/3.1,
// X-Stream-Protocol-Version), then the socket goes to a spdy-transport
// client that opens the streams the way client-go does.
//
//   node server-spdy.js '{"mode": ..., "url": ..., ...}'
//
// Prints one JSON object per line, the last {"event":"done", ...} or
// {"event":"failure"}; exits 0 when the scenario ran to its end.
//
// Modes:
//   exec         protocol (X-Stream-Protocol-Version), streams (types to
//                open, error first as client-go does), stdin (text, sent
//                then half-closed) or stdinRandom (that many random bytes,
//                written in 32 KiB slices: stdout then holds their
//                sha256 after its first line), resizeChunks (strings
//                written one by one on the resize stream). Collects stdout,
//                stderr and the error stream up to the server's FINs, then
//                closes the connection.
//   portforward  port, pairs (how many), payload: per pair an error and a
//                data stream with requestid i; sends payload + i on data,
//                half-closes, collects the echo and the error stream. All
//                pairs at once, or one after the other with sequential.
//   portforward-fail  port (nothing listens): one pair, collects the error.

const crypto = require('crypto')
const fs = require('fs')
const net = require('net')
const tls = require('tls')
const transport = require('spdy-transport')

const spec = JSON.parse(process.argv[2])
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
function fail (message) {
  emit({ event: 'failure', message: String(message) })
  process.exit(1)
}
setTimeout(() => fail('scenario timed out'), 30000).unref()

function upgrade (url, protocol) {
  return new Promise((resolve, reject) => {
    const u = new URL(url)
    // https: TLS first, trusting spec.ca.
    const socket = u.protocol === 'https:'
      ? tls.connect({ host: u.hostname, port: Number(u.port), ca: fs.readFileSync(spec.ca) })
      : net.connect(Number(u.port), u.hostname)
    socket.on('error', reject)
    socket.on(u.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n` +
        'Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
        `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`)
    })
    let head = Buffer.alloc(0)
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.removeListener('data', onData)
      socket.pause()
      const text = head.subarray(0, end).toString()
      const rest = head.subarray(end + 4)
      const status = Number(text.split(' ')[1])
      const negotiated = (/x-stream-protocol-version: *([^\r\n]*)/i.exec(text) || [])[1]
      if (rest.length) socket.unshift(rest)
      resolve({ socket, status, negotiated })
    }
    socket.on('data', onData)
  })
}

function open (conn, headers) {
  return new Promise((resolve, reject) => {
    const stream = conn.request({ method: 'POST', path: '/', headers })
    // From the start: a reset may come before the caller gets the stream.
    stream.collected = collect(stream)
    // The server resets stdin at the end, as kubelet does: not a failure.
    stream.on('error', (e) => emit({ event: 'stream-error', streamtype: headers.streamtype, message: e.message }))
    stream.on('response', (status) => resolve(stream))
    setTimeout(() => reject(new Error('no SYN_REPLY for ' + JSON.stringify(headers))), 10000).unref()
  })
}

function collect (stream) {
  return new Promise((resolve) => {
    const chunks = []
    stream.on('data', (c) => chunks.push(c))
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    stream.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    stream.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })
}

async function connect (protocol) {
  const { socket, status, negotiated } = await upgrade(spec.url, protocol)
  emit({ event: 'upgrade', status, negotiated })
  if (status !== 101) {
    emit({ event: 'done', status })
    process.exit(0)
  }
  const conn = transport.connection.create(socket, { protocol: 'spdy', isServer: false })
  conn.start(3.1)
  conn.on('error', (e) => emit({ event: 'connection-error', message: e.message }))
  socket.resume()
  return { conn, socket }
}

const modes = {
  async exec () {
    const { socket, conn } = await connect(spec.protocol)
    const streams = {}
    for (const type of spec.streams) streams[type] = await open(conn, { streamtype: type })
    const collected = {}
    for (const type of ['stdout', 'stderr', 'error']) if (streams[type]) collected[type] = streams[type].collected
    const result = { event: 'done' }
    if (streams.resize) {
      for (const chunk of spec.resizeChunks || []) {
        streams.resize.write(chunk)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    if (streams.stdin) {
      if (spec.stdin !== undefined) streams.stdin.write(spec.stdin)
      if (spec.stdinRandom) {
        const payload = crypto.randomBytes(spec.stdinRandom)
        result.stdinSha = crypto.createHash('sha256').update(payload).digest('hex')
        for (let i = 0; i < payload.length; i += 32 * 1024) streams.stdin.write(payload.subarray(i, i + 32 * 1024))
      }
      streams.stdin.end()
    }
    for (const type of Object.keys(collected)) result[type] = await collected[type]
    if (spec.stdinRandom) {
      const out = Buffer.from(result.stdout, 'latin1')
      const body = out.subarray(out.indexOf(10) + 1)
      result.stdoutBytes = body.length
      result.stdoutSha = crypto.createHash('sha256').update(body).digest('hex')
      delete result.stdout
    }
    socket.destroy()
    emit(result)
  },

  async portforward () {
    const { socket, conn } = await connect('portforward.k8s.io')
    const forward = async (i) => {
      const headers = { port: String(spec.port), requestid: String(i) }
      const error = await open(conn, Object.assign({ streamtype: 'error' }, headers))
      error.end()
      const data = await open(conn, Object.assign({ streamtype: 'data' }, headers))
      const back = data.collected
      const errorText = error.collected
      data.write(spec.payload + i)
      data.end()
      return { index: i, echoed: await back, error: await errorText }
    }
    const indexes = [...Array(spec.pairs).keys()]
    let results = []
    if (spec.sequential) {
      for (const i of indexes) results.push(await forward(i))
    } else {
      results = await Promise.all(indexes.map(forward))
    }
    socket.destroy()
    emit({ event: 'done', pairs: results })
  },

  async 'portforward-fail' () {
    const { socket, conn } = await connect('portforward.k8s.io')
    const headers = { port: String(spec.port), requestid: '0' }
    const error = await open(conn, Object.assign({ streamtype: 'error' }, headers))
    error.end()
    const data = await open(conn, Object.assign({ streamtype: 'data' }, headers))
    const back = data.collected
    const errorText = await error.collected
    const echoed = await back
    socket.destroy()
    emit({ event: 'done', error: errorText, echoed })
  }
}

const run = modes[spec.mode]
if (!run) fail('unknown mode ' + spec.mode)
run().then(() => process.exit(0), fail)
