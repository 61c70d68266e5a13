// The no-op as a Cloudflare Worker: the same JSON answer the kumo functions and the bare
// servers give, served by workerd for the peers scenario.
const BODY = JSON.stringify({ ok: true });

export default {
  async fetch(request) {
    await request.arrayBuffer();  // read the event, as the other subjects do
    return new Response(BODY, { headers: { 'content-type': 'application/json' } });
  },
};
