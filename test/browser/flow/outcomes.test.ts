// Outcomes between the capture and the end: analyses still running, a container that cannot be made.
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.ts';
import { emulator as info, nextEvent as next } from '../../support/emulator.ts';
import type { OzLiveness } from '../../../src/oz-liveness.ts';
import type { OzErrorEvent, OzResultEvent } from '../../../src/events.ts';
import { WorkerDetector } from '../../../src/face/worker-detector.ts';


describe('outcomes', () => {
  it('fires result while the analyses are PROCESSING, then complete', async () => {
    const { apiUrl } = await info();
    const el = await fixture<OzLiveness>(html`<oz-liveness api-url=${apiUrl} result-mode="status"></oz-liveness>`);
    // The emulator's documented switch: keep the quality analysis PROCESSING for two reads.
    el.meta = { transaction_id: crypto.randomUUID(), emulator_resolution: 'PROCESSING', emulator_processing_polls: 2 };
    el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
    const results: OzResultEvent[] = [];
    const states: string[] = [];
    el.addEventListener('result', (e) => results.push(e));
    el.addEventListener('state', (e) => states.push(e.detail.state));
    const complete = next<OzResultEvent>(el, 'complete');
    await el.open();
    const { result } = (await complete).detail;
    expect(results.length).to.be.at.least(1);
    expect(results.every((e) => e.detail.result.state === 'processing')).to.equal(true);
    expect(results[0]!.detail.result.analyses?.quality?.state).to.equal('PROCESSING');
    expect(states).to.include('processing');
    expect(result.state).to.equal('finished');
    expect(result.analyses?.quality?.state).to.equal('FINISHED');
  });

  it('reports a container that cannot be made as an error event, keeps the capture, and stays usable', async () => {
    const { apiUrl } = await info();
    const el = await fixture<OzLiveness>(html`<oz-liveness
      architecture="capture"
      api-url=${apiUrl}
      use-wasm-container
      assets-url="/test/fixtures/camera/"
    ></oz-liveness>`);
    // The face models come from the package as usual; only the codec is looked for where there is none.
    el.detector = new WorkerDetector();
    el.captureOptions = { positionHoldMs: 200, instructMs: 200 };
    const failed = next<OzErrorEvent>(el, 'error');
    await el.open();
    const { detail } = await failed;
    expect(detail.code).to.equal('error_wasm_internal_failure_1');
    expect(detail.capture?.clips).to.have.length(1);
    expect(detail.container).to.equal(null);
    expect(el.state).to.equal('error');
    expect(el.shadowRoot!.querySelector('video')!.srcObject).to.equal(null);
    await el.updateComplete;
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!;
    expect(retry).to.exist;
    expect(el.shadowRoot!.activeElement).to.equal(retry);
  });
});
