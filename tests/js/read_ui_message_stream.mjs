// Reads a UI message stream (the SSE bytes a server sent) on stdin with the AI SDK's own code, as
// useChat's transport does: parseJsonEventStream + uiMessageChunkSchema, then readUIMessageStream.
// Prints {chunkTypes, message, errors} as JSON. argv[2], if given, is the JSON of the assistant
// message the stream continues (as useChat passes the last message after a tool approval).
import { parseJsonEventStream } from '@ai-sdk/provider-utils';
import { readUIMessageStream, uiMessageChunkSchema } from 'ai';

const input = [];
for await (const piece of process.stdin) input.push(piece);
const bytes = Buffer.concat(input);

const chunkTypes = [];
const errors = [];
const source = new ReadableStream({
  start(controller) {
    controller.enqueue(new Uint8Array(bytes));
    controller.close();
  },
});
const chunks = parseJsonEventStream({ stream: source, schema: uiMessageChunkSchema }).pipeThrough(
  new TransformStream({
    transform(result, controller) {
      if (!result.success) throw result.error;
      chunkTypes.push(result.value.type);
      controller.enqueue(result.value);
    },
  }),
);
const message = process.argv[2] ? JSON.parse(process.argv[2]) : undefined;
let last;
try {
  for await (const snapshot of readUIMessageStream({
    stream: chunks,
    message,
    onError: error => errors.push(String(error?.message ?? error)),
  })) {
    last = snapshot;
  }
} catch (error) {
  errors.push(`thrown: ${error?.message ?? error}`);
}
process.stdout.write(JSON.stringify({ chunkTypes, message: last ?? null, errors }));
