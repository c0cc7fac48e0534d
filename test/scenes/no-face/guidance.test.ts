import { expectSceneHint } from '../../browser/face/scene-helpers.ts';

describe('guidance on the no-face scene', function () {
  this.timeout(60000);
  it('says no_face for a suit and helmet with no face and starts no capture', async () => {
    await expectSceneHint('no_face');
  });
});
