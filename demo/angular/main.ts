// Angular compiled just in time in the browser: '@angular/compiler' comes first, and Component() is applied as a
// function, so neither the Angular CLI nor a decorator transform is needed. With the CLI, write @Component({...}).
import '@angular/compiler';
import { ChangeDetectionStrategy, Component, CUSTOM_ELEMENTS_SCHEMA, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import 'oz-liveness';
import type { OzCaptureCompleteEvent, OzErrorEvent } from 'oz-liveness';

class AppComponent {
  readonly status = signal('Press the start button.');

  onCapture(event: OzCaptureCompleteEvent): void {
    const clips = event.detail.result.clips.length;
    this.status.set(`captured ${clips} ${clips === 1 ? 'clip' : 'clips'}`);
  }

  onError(event: OzErrorEvent): void {
    this.status.set(`error: ${event.detail.code}`);
  }
}

Component({
  selector: 'app-root',
  // Lets the template use <oz-liveness> and bind its attributes and events.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main>
      <h1>oz-liveness in Angular</h1>
      <oz-liveness
        architecture="capture"
        style="display: block; max-width: 640px"
        (capture-complete)="onCapture($event)"
        (error)="onError($event)"
      ></oz-liveness>
      <p id="status" role="status">{{ status() }}</p>
    </main>
  `,
})(AppComponent);

bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] }).catch((error: unknown) => console.error(error));
