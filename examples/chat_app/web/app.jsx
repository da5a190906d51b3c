// A minimal useChat page: text, reasoning, tool calls with approval, stop and regenerate.
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

function ToolPart({ part, onApproval }) {
  const name = part.type.slice('tool-'.length);
  return (
    <div className="tool" data-testid={`tool-${name}`} data-state={part.state}>
      <strong>{name}</strong> <code>{JSON.stringify(part.input ?? {})}</code> <em>{part.state}</em>
      {part.state === 'approval-requested' && (
        <span>
          <button onClick={() => onApproval({ id: part.approval.id, approved: true })}>Approve</button>
          <button onClick={() => onApproval({ id: part.approval.id, approved: false, reason: 'user said no' })}>
            Deny
          </button>
        </span>
      )}
      {part.state === 'output-available' && <div data-testid="tool-output">{JSON.stringify(part.output)}</div>}
    </div>
  );
}

function App() {
  const [input, setInput] = useState('');
  const { messages, sendMessage, status, stop, regenerate, addToolApprovalResponse, error } = useChat({
    transport: new DefaultChatTransport({ api: '/api/chat' }),
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  });
  return (
    <main>
      <h1>modelpipe chat</h1>
      <div data-testid="messages">
        {messages.map(message => (
          <div key={message.id} className={`message ${message.role}`} data-role={message.role}>
            {message.parts.map((part, index) => {
              if (part.type === 'text') return <p key={index} data-testid="text">{part.text}</p>;
              if (part.type === 'reasoning')
                return <p key={index} className="reasoning" data-testid="reasoning">{part.text}</p>;
              if (part.type.startsWith('tool-'))
                return <ToolPart key={index} part={part} onApproval={addToolApprovalResponse} />;
              return null;
            })}
          </div>
        ))}
      </div>
      <p data-testid="status">{status}</p>
      {error && <p data-testid="error">{error.message}</p>}
      <form
        onSubmit={event => {
          event.preventDefault();
          if (!input.trim()) return;
          sendMessage({ text: input });
          setInput('');
        }}
      >
        <input data-testid="input" value={input} onChange={event => setInput(event.target.value)} />
        <button type="submit" disabled={status !== 'ready'}>Send</button>
        <button type="button" onClick={() => stop()} disabled={status !== 'streaming' && status !== 'submitted'}>
          Stop
        </button>
        <button type="button" onClick={() => regenerate()} disabled={status !== 'ready' || messages.length === 0}>
          Regenerate
        </button>
      </form>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
