import { expectSceneHint } from '../../browser/face/scene-helpers.ts';

describe('guidance on the two-faces scene', function () {
  this.timeout(60000);
  it('says several_faces for two faces side by side and starts no capture', async () => {
    await expectSceneHint('several_faces');
  });
});
