// The Vercel AI SDK comparison row: `node benchmarks/node/worker.mjs BASE_URL`.
//
// Speaks the line protocol of benchmarks/worker.py (one JSON command per stdin line, one JSON answer per
// stdout line: generate / stream / concurrent / memory / quit) with generateText / streamText on
// createOpenAI({ baseURL, apiKey }).chat(MODEL): chat completions, the same wire as the raw httpx floor.
// CPU seconds are process.cpuUsage() user + system of this process (all threads). Every answer is
// checked against the server's fixed text, so a broken client cannot look fast. Every call goes through
// Node's global fetch and its one connection pool, as an application using the AI SDK runs (the Python
// workers keep a second client for the concurrent burst, so a pool it widened cannot tax their
// sequential figures; here the concurrent connections stay in the pool the sequential calls use).
import { createInterface } from "node:readline";

import { createOpenAI } from "@ai-sdk/openai";
import { generateText, streamText } from "ai";

globalThis.AI_SDK_LOG_WARNINGS = false; // stdout carries the protocol only
console.log = console.info = console.warn = console.error;

const MODEL = "gpt-4o-mini";
const API_KEY = "sk-bench-not-a-secret";
const ANSWER_TEXT = "Hello from the loopback benchmark server!";
const STREAM_CHUNKS = 50;
const STREAM_TEXT = Array.from({ length: STREAM_CHUNKS }, (_, index) => `tok${index} `).join("");

const baseURL = `${process.argv[2]}/v1`;
const model = createOpenAI({ baseURL, apiKey: API_KEY }).chat(MODEL);
let counter = 0;

const prompt = () => `Say hello (call ${counter++}).`;
const cpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
const now = () => performance.now() / 1e3;

function check(text, expected) {
  if (text !== expected) {
    throw new Error(`unexpected answer ${JSON.stringify(text.slice(0, 80))}`);
  }
}

async function generateOne() {
  const result = await generateText({ model, prompt: prompt() });
  check(result.text, ANSWER_TEXT);
}

async function generate(n) {
  const started = [cpu(), now()];
  for (let index = 0; index < n; index++) {
    await generateOne();
  }
  return { cpu: cpu() - started[0], wall: now() - started[1], n };
}

async function stream(n) {
  const firsts = [];
  const started = [cpu(), now()];
  for (let index = 0; index < n; index++) {
    const callStarted = now();
    let first = null;
    const pieces = [];
    const result = streamText({ model, prompt: prompt() });
    for await (const text of result.textStream) {
      if (first === null) {
        first = now() - callStarted;
      }
      pieces.push(text);
    }
    check(pieces.join(""), STREAM_TEXT);
    firsts.push(first ?? 0);
  }
  return { cpu: cpu() - started[0], wall: now() - started[1], n, first: firsts };
}

async function concurrent(n, concurrency) {
  let left = n;
  const lane = async () => {
    while (left > 0) {
      left--;
      await generateOne();
    }
  };
  const started = [cpu(), now()];
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { cpu: cpu() - started[0], wall: now() - started[1], n };
}

async function answer(command) {
  switch (command.op) {
    case "generate":
      return generate(command.n);
    case "stream":
      return stream(command.n);
    case "concurrent":
      return concurrent(command.n, command.concurrency);
    case "memory":
      return { max_rss_kib: process.resourceUsage().maxRSS, cache_failures: 0 };
    default:
      return { error: `unknown op ${JSON.stringify(command.op)}` };
  }
}

process.stdout.write(`${JSON.stringify({ ready: "aisdk-node" })}\n`);
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const command = JSON.parse(line);
  if (command.op === "quit") {
    break;
  }
  process.stdout.write(`${JSON.stringify(await answer(command))}\n`);
}
process.exit(0);
