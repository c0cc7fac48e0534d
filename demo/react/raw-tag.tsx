// The tag itself in React 19 JSX, without the oz-liveness/react wrapper: React 19 sets the element's properties and
// adds `on<event>` props as listeners under the exact event name.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'oz-liveness';
import type {} from 'oz-liveness/jsx';

function App() {
  const [status, setStatus] = useState('Press the start button.');
  return (
    <main>
      <h1>oz-liveness in React without the wrapper</h1>
      <oz-liveness
        architecture="capture"
        style={{ display: 'block', maxWidth: 640 }}
        oncapture-complete={(event) => {
          const clips = event.detail.result.clips.length;
          setStatus(`captured ${clips} ${clips === 1 ? 'clip' : 'clips'}`);
        }}
        onerror={(event) => setStatus(`error: ${event.detail.code}`)}
      />
      <p id="status" role="status">
        {status}
      </p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
