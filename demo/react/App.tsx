import { useState } from 'react';
import { OzLiveness } from 'oz-liveness/react';

export function App() {
  const [status, setStatus] = useState('Press the start button.');
  return (
    <main>
      <h1>oz-liveness in React</h1>
      <OzLiveness
        architecture="capture"
        style={{ display: 'block', maxWidth: 640 }}
        onCaptureComplete={(event) => {
          const clips = event.detail.result.clips.length;
          setStatus(`captured ${clips} ${clips === 1 ? 'clip' : 'clips'}`);
        }}
        onError={(event) => setStatus(`error: ${event.detail.code}`)}
      />
      <p id="status" role="status">
        {status}
      </p>
    </main>
  );
}
