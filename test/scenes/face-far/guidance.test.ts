import { expectSceneHint } from '../../browser/face/scene-helpers.ts';

describe('guidance on the face-far scene', function () {
  this.timeout(60000);
  it('says too_far for the person far away and starts no capture', async () => {
    await expectSceneHint('too_far');
  });
});
