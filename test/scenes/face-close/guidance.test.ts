import { expectSceneHint } from '../../browser/face/scene-helpers.ts';

describe('guidance on the face-close scene', function () {
  this.timeout(60000);
  it('says too_close for a face that fills the frame and starts no capture', async () => {
    await expectSceneHint('too_close');
  });
});
