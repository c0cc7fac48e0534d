import '../src/index.ts';
import type { OzLiveness } from '../src/index.ts';

const liveness = document.querySelector<OzLiveness>('#liveness')!;
const form = document.querySelector<HTMLFormElement>('#settings')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const stateOutput = document.querySelector<HTMLOutputElement>('#state')!;
const deviceSelect = form.querySelector<HTMLSelectElement>('select[name="device-id"]')!;

function record(name: string, detail: unknown, kind = '') {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${name}  ${JSON.stringify(detail)}`;
  log.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

// Every form control mirrors one attribute: selects and text set it, checkboxes add or remove it, empty removes it.
function apply(control: HTMLInputElement | HTMLSelectElement) {
  const name = control.name;
  if (control instanceof HTMLInputElement && control.type === 'checkbox') {
    liveness.toggleAttribute(name, control.checked);
  } else if (control.value === '') {
    liveness.removeAttribute(name);
  } else {
    liveness.setAttribute(name, control.value);
  }
}

for (const control of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
  apply(control);
}
form.addEventListener('change', (event) => apply(event.target as HTMLInputElement | HTMLSelectElement));

function listDevices() {
  const current = deviceSelect.value;
  deviceSelect.replaceChildren(new Option('(any camera)', ''));
  liveness.devices.forEach((device, index) => {
    deviceSelect.add(new Option(device.label || `Camera ${index + 1}`, device.deviceId));
  });
  deviceSelect.value = current;
}

liveness.addEventListener('state', (event) => {
  stateOutput.value = event.detail.state;
  record('state', event.detail);
  if (event.detail.state === 'preview') listDevices();
});
liveness.addEventListener('error', (event) => record('error', event.detail, 'error'));
liveness.addEventListener('close', (event) => record('close', event.detail));

document.querySelector('.buttons')!.addEventListener('click', (event) => {
  const call = (event.target as HTMLElement).closest<HTMLButtonElement>('[data-call]')?.dataset.call;
  if (call === 'open') liveness.open().catch(() => undefined);
  else if (call === 'hide') liveness.hide();
  else if (call === 'close') liveness.close();
});
document.querySelector('#clear-log')!.addEventListener('click', () => log.replaceChildren());
