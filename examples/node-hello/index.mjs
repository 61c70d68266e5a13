// Hello world for kumo's nodejs runtimes. Handler: index.handler

// Module state lives as long as the warm instance: the count shows instance reuse.
let count = 0;

export const handler = async (event, context) => {
  count += 1;
  const name = event?.name ?? 'world';
  console.log('hello called for', name, 'request', context.awsRequestId);
  return { message: `hello ${name}`, count };
};
