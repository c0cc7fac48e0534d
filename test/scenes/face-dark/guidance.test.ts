import { expectSceneHint } from '../../browser/face/scene-helpers.ts';

describe('guidance on the face-dark scene', function () {
  this.timeout(60000);
  it('says too_dark for an under-exposed face and starts no capture', async () => {
    await expectSceneHint('too_dark');
  });
});
