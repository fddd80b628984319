// The web app's production server: adapter-node's request handler behind a plain Node HTTP server.
//
// adapter-node 6 no longer takes an ORIGIN variable and, unless a protocol header says otherwise, takes
// every request for https. Served directly over http (`npm start`), SvelteKit would then see form posts
// coming from http://… as cross-site and refuse them. This server states the protocol of the connection
// itself; behind a TLS-terminating reverse proxy (TRUST_PROXY=true) the proxy's X-Forwarded-Proto wins.
import { createServer } from 'node:http';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const trustProxy = process.env.TRUST_PROXY === 'true';
process.env.PROTOCOL_HEADER = 'x-forwarded-proto';

// Imported after PROTOCOL_HEADER is set: the handler reads its environment when it loads.
const { handler } = await import('./build/handler.js');

const server = createServer((request, response) => {
  if (!trustProxy || !request.headers['x-forwarded-proto'])
    request.headers['x-forwarded-proto'] = request.socket.encrypted ? 'https' : 'http';
  handler(request, response, () => {
    response.statusCode = 404;
    response.end('Not found');
  });
});

server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));

// SIGTERM/SIGINT: stop accepting, let requests in flight finish, then exit (forced after 10 s).
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
