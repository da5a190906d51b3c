// Runs the AI SDK's Anthropic provider over every fixture (the same framed bytes our loopback
// server sends) and writes what it produced to expected/<fixture>.json.
// Usage: node generate_expected.mjs <directory holding node_modules/@ai-sdk/anthropic>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { framedBody } from './frame.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(path.resolve(process.argv[2]), 'index.js'));
const { createAnthropic } = require('@ai-sdk/anthropic');
const version = require('@ai-sdk/anthropic/package.json').version;

const cases = JSON.parse(fs.readFileSync(path.join(here, 'cases.json'), 'utf8'));
const prompt = [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }];
fs.mkdirSync(path.join(here, 'expected'), { recursive: true });

function plain(value) {
  return JSON.parse(
    JSON.stringify(value, (key, v) => (v instanceof Error ? { error: v.name, message: v.message } : v)),
  );
}

for (const [fixture, spec] of Object.entries(cases)) {
  const body = framedBody(path.join(here, 'fixtures', fixture));
  const stream = spec.mode === 'stream';
  const provider = createAnthropic({
    apiKey: 'test-key',
    fetch: async () =>
      new Response(body, {
        status: 200,
        headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' },
      }),
  });
  const options = {
    prompt,
    tools: spec.tools,
    responseFormat: spec.responseFormat ? { type: 'json', schema: spec.responseFormat } : undefined,
    providerOptions: spec.providerOptions,
  };
  const model = provider(spec.model);
  let out;
  try {
    if (stream) {
      const result = await model.doStream(options);
      const parts = [];
      const reader = result.stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
      }
      out = { parts };
    } else {
      const result = await model.doGenerate(options);
      out = {
        content: result.content,
        finishReason: result.finishReason,
        usage: result.usage,
        providerMetadata: result.providerMetadata,
        response: { id: result.response?.id, modelId: result.response?.modelId },
      };
    }
  } catch (error) {
    out = { thrown: { name: error.name, message: error.message } };
  }
  out = { aiSdkAnthropicVersion: version, ...plain(out) };
  fs.writeFileSync(path.join(here, 'expected', `${fixture.replace(/\.(json|chunks\.txt)$/, "")}.${spec.mode}.json`), JSON.stringify(out, null, 1) + '\n');
}
